import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { TranslocoPipe } from '@jsverse/transloco';
import type { AccessCodeDto, EventDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { applyServerErrors, firstErrorMessage } from '../../forms/server-errors';
import { describeHttpError } from '../../http/problem-details';
import { I18n } from '../../i18n/i18n';
import { isoToZonedLocal, zonedLocalToIso } from '../../time/zoned-time';
import { ApprovalsApi } from './approvals.api';

/**
 * The organizer's access codes for an event: each opens some of its ticket types (hidden ones,
 * or those behind a code), optionally a limited number of times or until a moment. Listed with
 * their uses; created (the API makes up the code when none is typed) and deleted here.
 */
@Component({
  selector: 'app-access-code-editor',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './access-code-editor.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccessCodeEditor {
  private readonly api = inject(ApprovalsApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly i18n = inject(I18n);

  readonly event = input.required<EventDto>();

  protected readonly codes = signal<readonly AccessCodeDto[] | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errorFor = firstErrorMessage;
  protected readonly form = new FormGroup({
    code: new FormControl('', {
      nonNullable: true,
      validators: Validators.pattern(/^\s*[A-Za-z0-9-]{4,32}\s*$/),
    }),
    ticketTypeIds: new FormControl<string[]>([], {
      nonNullable: true,
      validators: Validators.required,
    }),
    maxUses: new FormControl<number | null>(null, [Validators.min(1), Validators.max(1_000_000)]),
    validUntil: new FormControl('', { nonNullable: true }),
  });

  constructor() {
    effect(() => {
      const id = this.event().id;
      untracked(() => this.load(id));
    });
  }

  private load(eventId: string): void {
    this.api
      .accessCodes(eventId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (list) => this.codes.set(list.items),
        error: (error: unknown) => this.error.set(describeHttpError(error)),
      });
  }

  /** The names of the types a code opens, for the list. */
  typeNames(code: AccessCodeDto): string {
    const names = new Map(this.event().ticketTypes.map((type) => [type.id, type.name]));
    return code.ticketTypeIds.map((id) => names.get(id) ?? id).join(', ');
  }

  /** When a code stops working, in the event's time zone. */
  expires(code: AccessCodeDto): string {
    return code.validUntil
      ? this.i18n.dateTime(code.validUntil, {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: this.event().timeZone,
        })
      : '';
  }

  async createAccessCode(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    this.busy.set(true);
    this.error.set(null);
    try {
      const created = await firstValueFrom(
        this.api.createAccessCode(this.event().id, {
          ...(v.code.trim() ? { code: v.code.trim() } : {}),
          ticketTypeIds: v.ticketTypeIds,
          maxUses: v.maxUses === null || (v.maxUses as unknown) === '' ? null : Number(v.maxUses),
          validUntil: v.validUntil ? zonedLocalToIso(v.validUntil, this.event().timeZone) : null,
        }),
      );
      this.codes.update((codes) => [created, ...(codes ?? [])]);
      this.form.reset();
    } catch (error) {
      this.error.set(applyServerErrors(this.form, error));
    } finally {
      this.busy.set(false);
    }
  }

  async deleteAccessCode(code: AccessCodeDto): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await firstValueFrom(this.api.deleteAccessCode(this.event().id, code.id));
      this.codes.update((codes) => (codes ?? []).filter((c) => c.id !== code.id));
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** The value of a `datetime-local` input for an instant, in the event's zone (for tests and edits). */
  protected local(iso: string): string {
    return isoToZonedLocal(iso, this.event().timeZone);
  }
}
