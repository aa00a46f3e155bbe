import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { TranslocoPipe } from '@jsverse/transloco';

import { t } from '../../i18n/i18n';

type Decoder = (typeof import('jsqr'))['default'];

/**
 * Reads QR codes from the camera with jsQR (pure JavaScript, so it runs under the strict CSP
 * without workers or WebAssembly). The decoder is loaded only when the camera is started.
 */
@Component({
  selector: 'app-camera-scanner',
  imports: [MatButtonModule, TranslocoPipe],
  template: `
    @if (error(); as message) {
      <p class="alert alert-error" role="alert">{{ message }}</p>
    }
    @if (running()) {
      <video
        #video
        class="video"
        muted
        playsinline
        [attr.aria-label]="'checkIn.cameraPreview' | transloco"
      ></video>
      <button mat-stroked-button type="button" (click)="stop()">
        {{ 'checkIn.stopCamera' | transloco }}
      </button>
    } @else {
      <button mat-stroked-button type="button" (click)="start()" data-testid="start-camera">
        {{ 'checkIn.scanWithCamera' | transloco }}
      </button>
    }
  `,
  styles: `
    .video {
      display: block;
      width: 100%;
      max-width: 420px;
      margin-bottom: 8px;
      border-radius: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CameraScanner {
  private readonly video = viewChild<ElementRef<HTMLVideoElement>>('video');
  /** The text of each QR code read (the same code is not repeated within 3 seconds). */
  readonly scanned = output<string>();

  protected readonly running = signal(false);
  protected readonly error = signal<string | null>(null);
  private stream: MediaStream | null = null;
  private frame = 0;
  private lastCode = '';
  private lastCodeAt = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  async start(): Promise<void> {
    this.error.set(null);
    try {
      const [{ default: decode }, stream] = await Promise.all([
        import('jsqr'),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }),
      ]);
      this.stream = stream;
      this.running.set(true);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const video = this.video()?.nativeElement;
      if (!video) {
        this.stop();
        return;
      }
      video.srcObject = stream;
      await video.play();
      this.scanLoop(video, decode);
    } catch {
      this.stop();
      this.error.set(t('checkIn.cameraFailed'));
    }
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.running.set(false);
  }

  private scanLoop(video: HTMLVideoElement, decode: Decoder): void {
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const tick = () => {
      if (!this.stream || !context) {
        return;
      }
      if (video.readyState >= video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const code = decode(image.data, image.width, image.height, {
          inversionAttempts: 'dontInvert',
        });
        const now = Date.now();
        if (code?.data && (code.data !== this.lastCode || now - this.lastCodeAt > 3000)) {
          this.lastCode = code.data;
          this.lastCodeAt = now;
          this.scanned.emit(code.data);
        }
      }
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }
}
