import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { TranslocoPipe } from '@jsverse/transloco';
import type { Attendee, EventDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import { t } from '../../i18n/i18n';
import { ApprovalsApi } from './approvals.api';

/**
 * The organizer's approval queue: the event's pending registrations, approved or rejected one at a
 * time or many at once (with an optional reason the attendees are told). The API decides each in
 * the order sent and answers per registration; the seat claim makes an approved one confirmed or
 * waitlisted.
 */
@Component({
  selector: 'app-approval-queue',
  imports: [
    TranslocoPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './approval-queue.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalQueue {
  private readonly api = inject(ApprovalsApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly event = input.required<EventDto>();
  /** Something was decided: the page reloads what depends on it (attendees, seats). */
  readonly decided = output<void>();

  protected readonly pending = signal<readonly Attendee[] | null>(null);
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly reason = new FormControl('', {
    nonNullable: true,
    validators: Validators.maxLength(500),
  });
  protected readonly allSelected = computed(() => {
    const pending = this.pending() ?? [];
    return pending.length > 0 && pending.every((a) => this.selected().has(a.id));
  });

  constructor() {
    effect(() => {
      const id = this.event().id;
      untracked(() => this.load(id));
    });
  }

  private load(eventId: string): void {
    this.api
      .pending(eventId)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.pending.set(page.items);
          const ids = new Set(page.items.map((a) => a.id));
          this.selected.update((s) => new Set([...s].filter((id) => ids.has(id))));
        },
        error: (error: unknown) => this.error.set(describeHttpError(error)),
      });
  }

  toggle(id: string, on: boolean): void {
    this.selected.update((s) => {
      const next = new Set(s);
      if (on) {
        next.add(id);
      } else {
        next.delete(id);
      }
      return next;
    });
  }

  toggleAll(on: boolean): void {
    this.selected.set(new Set(on ? (this.pending() ?? []).map((a) => a.id) : []));
  }

  approveRegistrations(ids: readonly string[]): Promise<void> {
    return this.decide('approve', ids);
  }

  rejectRegistrations(ids: readonly string[]): Promise<void> {
    return this.decide('reject', ids);
  }

  selectedIds(): string[] {
    return (this.pending() ?? []).map((a) => a.id).filter((id) => this.selected().has(id));
  }

  private async decide(kind: 'approve' | 'reject', ids: readonly string[]): Promise<void> {
    if (ids.length === 0 || this.reason.invalid) {
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.notice.set(null);
    try {
      const reason = kind === 'reject' ? this.reason.value.trim() || undefined : undefined;
      const { results } = await firstValueFrom(this.api.decide(this.event().id, kind, ids, reason));
      const done = results.filter((r) => r.ok).length;
      this.notice.set(
        done === results.length
          ? t(kind === 'approve' ? 'organizer.approvedCount' : 'organizer.rejectedCount', {
              count: done,
            })
          : t('organizer.decidedPartly', { done, count: results.length }),
      );
      if (kind === 'reject') {
        this.reason.reset();
      }
      this.selected.set(new Set());
      this.load(this.event().id);
      this.decided.emit();
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
