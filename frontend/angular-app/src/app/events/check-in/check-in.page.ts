import { Subscription } from 'rxjs';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  LOCALE_ID,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { EventDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from '../../auth/auth.store';
import { describeHttpError } from '../../http/problem-details';
import { RealtimeClient } from '../../realtime/realtime.client';
import { EventsApi } from '../events.api';
import { CameraScanner } from './camera-scanner';
import { CheckInResult, refusedResult, validResult } from './check-in-result';

/** `/events/:id/check-in`: the door. Type or scan a ticket code; see at once whether it is valid. */
@Component({
  selector: 'app-check-in-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    CameraScanner,
  ],
  templateUrl: './check-in.page.html',
  styleUrl: './check-in.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CheckInPage {
  private readonly api = inject(EventsApi);
  private readonly realtime = inject(RealtimeClient);
  private readonly destroyRef = inject(DestroyRef);
  private readonly locale = inject(LOCALE_ID);
  private readonly auth = inject(AuthStore);

  readonly id = input.required<string>();

  protected readonly event = signal<EventDto | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly stats = signal<{ checkedIn: number; confirmed: number } | null>(null);
  protected readonly result = signal<CheckInResult | null>(null);
  protected readonly checking = signal(false);
  protected readonly hasCamera = signal(false);
  protected readonly code = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, Validators.minLength(10)],
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => this.load(id));
    });
    void this.detectCamera();
  }

  private live: Subscription | undefined;

  private load(id: string): void {
    this.api
      .getEvent(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (event) => this.event.set(event),
        error: (error: unknown) => this.loadError.set(describeHttpError(error)),
      });
    this.api
      .checkinStats(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (stats) => this.stats.set(stats),
        error: (error: unknown) => this.loadError.set(describeHttpError(error)),
      });
    // The page is reused when only :id changes: leave the previous event's room first, or its
    // check-in counts would overwrite this event's.
    this.live?.unsubscribe();
    this.live = this.realtime
      .watchEvent(id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((frame) => {
        if (frame.type === 'checkins') {
          this.stats.update((s) => (s ? { ...s, checkedIn: frame.checkedIn } : s));
        } else if (frame.type === 'availability') {
          this.stats.update((s) => (s ? { ...s, confirmed: frame.availability.confirmed } : s));
        }
      });
  }

  private async detectCamera(): Promise<void> {
    try {
      const devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
      this.hasCamera.set(devices.some((device) => device.kind === 'videoinput'));
    } catch {
      this.hasCamera.set(false);
    }
  }

  async checkInTicket(ticketCode: string = this.code.value): Promise<void> {
    const token = ticketCode.trim();
    if (token.length < 10) {
      this.code.markAsTouched();
      this.result.set({ kind: 'invalid', reason: 'This is not a ticket code.' });
      return;
    }
    this.checking.set(true);
    try {
      const checkin = await firstValueFrom(this.api.checkIn(this.id(), token));
      this.result.set(validResult(checkin));
      this.stats.update((s) => (s ? { ...s, checkedIn: checkin.checkedIn } : s));
    } catch (error) {
      this.result.set(refusedResult(error));
    } finally {
      this.checking.set(false);
      this.code.reset();
    }
  }

  protected time(iso: string | null): string {
    if (iso === null) {
      return 'an unknown time';
    }
    return new Intl.DateTimeFormat(this.locale, {
      timeStyle: 'medium',
      dateStyle: 'medium',
    }).format(new Date(iso));
  }

  protected who(userId: string | null, name: string | null = null): string {
    if (userId !== null && userId === this.auth.user()?.id) {
      return 'you';
    }
    return name ?? userId ?? 'someone';
  }
}
