import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
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
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { EventDto } from '@secureevent/contracts';
import { Observable, firstValueFrom } from 'rxjs';

import { firstErrorMessage } from '../../forms/server-errors';
import { describeHttpError } from '../../http/problem-details';
import { Attendee, EventsApi } from '../events.api';

/** What the event's organizers (and admins) can do on its page. */
@Component({
  selector: 'app-event-organizer-panel',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './event-organizer-panel.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventOrganizerPanel {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);

  readonly event = input.required<EventDto>();
  readonly eventChange = output<EventDto>();

  protected readonly attendees = signal<readonly Attendee[] | null>(null);
  protected readonly attendeesError = signal<string | null>(null);
  protected readonly attendeesCursor = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly confirmingCancel = signal(false);
  protected readonly coOrganizer = new FormControl('', {
    nonNullable: true,
    validators: [Validators.required, Validators.pattern(/^usr_[0-9a-z]{25}$/)],
  });
  protected readonly errorFor = firstErrorMessage;

  constructor() {
    // The page passes a new event object on every live availability change, so the list of
    // attendees is reloaded as people register and cancel.
    effect(() => {
      const id = this.event().id;
      untracked(() => this.loadAttendees(id));
    });
  }

  private loadAttendees(eventId: string, cursor: string | null = null): void {
    this.api
      .attendees(eventId, cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.attendees.update((shown) => [
            ...(cursor === null ? [] : (shown ?? [])),
            ...page.items,
          ]);
          this.attendeesCursor.set(page.nextCursor);
          this.attendeesError.set(null);
        },
        error: (error: unknown) => this.attendeesError.set(describeHttpError(error)),
      });
  }

  loadMoreAttendees(): void {
    this.loadAttendees(this.event().id, this.attendeesCursor());
  }

  publishEvent(): Promise<void> {
    return this.change(this.api.publishEvent(this.event().id));
  }

  async cancelEvent(): Promise<void> {
    this.confirmingCancel.set(false);
    await this.change(this.api.cancelEvent(this.event().id));
  }

  async addCoOrganizer(): Promise<void> {
    if (this.coOrganizer.invalid) {
      this.coOrganizer.markAsTouched();
      return;
    }
    await this.change(this.api.addCoOrganizer(this.event().id, this.coOrganizer.value.trim()));
    if (this.error() === null) {
      this.coOrganizer.reset();
    }
  }

  /** Downloads the attendee list; fetched with the bearer token, then handed to the browser. */
  async exportAttendees(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const csv = await firstValueFrom(this.api.attendeesCsv(this.event().id));
      const url = URL.createObjectURL(csv);
      const link = document.createElement('a');
      link.href = url;
      link.download = `attendees-${this.event().id}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async change(request: Observable<EventDto>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      this.eventChange.emit(await firstValueFrom(request));
    } catch (error) {
      this.error.set(describeHttpError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
