import { HttpErrorResponse } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { TranslocoPipe } from '@jsverse/transloco';
import type { EventDraftResponse } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError, fieldErrorsOf } from '../../http/problem-details';
import { currentLang, t } from '../../i18n/i18n';
import { AssistApi } from './assist.api';

/** The longest text the assistant reads (the API's `ASSIST_TEXT_MAX`). */
export const ASSIST_TEXT_MAX = 20_000;

/** Milliseconds until a 429's `Retry-After` (seconds or an HTTP date) has passed, or null. */
export function retryAfterMs(error: HttpErrorResponse, now: number): number | null {
  const header = error.headers?.get('Retry-After')?.trim();
  if (!header) return null;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The sentence for a failed draft request, in the active language where the app words it. */
export function describeDraftError(error: unknown, now = Date.now()): string {
  if (error instanceof HttpErrorResponse && error.status === 429) {
    const wait = retryAfterMs(error, now);
    if (wait !== null) {
      const time = new Intl.DateTimeFormat(currentLang(), { timeStyle: 'short' }).format(
        new Date(now + wait),
      );
      return t('editor.assist.rateLimited', { time });
    }
    return t('editor.assist.rateLimitedLater');
  }
  if (error instanceof HttpErrorResponse && error.status === 400) {
    const reason = fieldErrorsOf(error).get('text');
    if (reason !== undefined) return t('editor.assist.badText', { reason });
  }
  return describeHttpError(error);
}

/**
 * The "fill in from text" panel of the editor: a text area (or an .ics / text file read in the
 * browser) sent to the assistant, which answers with a draft for the page to put into the form.
 * It saves nothing.
 */
@Component({
  selector: 'app-event-assist',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressSpinnerModule,
  ],
  templateUrl: './event-assist.html',
  styleUrl: './event-assist.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventAssist {
  private readonly api = inject(AssistApi);

  /** The zone times without one are read in (the form's zone, else the browser's). */
  readonly timeZone = input.required<string>();
  /** The assistant's answer, for the page to fill the form with. */
  readonly drafted = output<EventDraftResponse>();

  protected readonly max = ASSIST_TEXT_MAX;
  protected readonly text = new FormControl('', { nonNullable: true });
  private readonly value = toSignal(this.text.valueChanges, { initialValue: '' });
  protected readonly length = computed(() => this.value().length);
  protected readonly count = computed(() => {
    const format = new Intl.NumberFormat(currentLang());
    return t('editor.assist.count', {
      length: format.format(this.length()),
      max: format.format(this.max),
    });
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly fileName = signal<string | null>(null);
  protected readonly canFill = computed(
    () => !this.busy() && this.value().trim() !== '' && this.length() <= this.max,
  );

  /** Reads a picked file (an .ics invitation, a saved e-mail) into the text area. */
  async readFile(event: Event): Promise<void> {
    const picker = event.target as HTMLInputElement;
    const file = picker.files?.[0];
    picker.value = '';
    if (!file) return;
    this.error.set(null);
    try {
      const content = await file.text();
      if (content.length > this.max) {
        this.error.set(
          t('editor.assist.fileTooLong', {
            name: file.name,
            max: new Intl.NumberFormat(currentLang()).format(this.max),
          }),
        );
        return;
      }
      this.text.setValue(content);
      this.fileName.set(file.name);
    } catch {
      this.error.set(t('editor.assist.fileUnreadable', { name: file.name }));
    }
  }

  async fillIn(): Promise<void> {
    if (!this.canFill()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const response = await firstValueFrom(
        this.api.draftEvent({
          text: this.text.value,
          timeZone: this.timeZone(),
          referenceTime: new Date().toISOString(),
        }),
      );
      this.drafted.emit(response);
    } catch (error) {
      this.error.set(describeDraftError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
