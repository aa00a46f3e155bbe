import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { EventDto } from '@secureevent/contracts';
import { Observable, Subscription, firstValueFrom } from 'rxjs';

import { describeHttpError } from '../../http/problem-details';
import { Attendee, EventsApi } from '../events.api';

interface OrganizerPanelState {
  /** Null until the first page has arrived. */
  readonly attendees: readonly Attendee[] | null;
  readonly attendeesCursor: string | null;
  readonly attendeesError: string | null;
  readonly busy: boolean;
  readonly error: string | null;
}

/**
 * State of the organizer panel: the attendee list a page at a time, and the management actions
 * (publish, cancel). Provided by the panel.
 */
@Injectable()
export class OrganizerPanelStore {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<OrganizerPanelState>({
    attendees: null,
    attendeesCursor: null,
    attendeesError: null,
    busy: false,
    error: null,
  });
  private firstPage: Subscription | undefined;

  readonly attendees = computed(() => this.state().attendees);
  readonly attendeesCursor = computed(() => this.state().attendeesCursor);
  readonly attendeesError = computed(() => this.state().attendeesError);
  readonly busy = computed(() => this.state().busy);
  readonly error = computed(() => this.state().error);

  /** Loads the first page of attendees again (the list shown so far stays until it arrives). */
  loadAttendees(eventId: string): void {
    // A newer reload wins: the answer to an older one must not overwrite it.
    this.firstPage?.unsubscribe();
    this.firstPage = this.loadPage(eventId, null);
  }

  /** Appends the next page of attendees. */
  loadMoreAttendees(eventId: string): void {
    const cursor = this.attendeesCursor();
    if (cursor !== null) {
      this.loadPage(eventId, cursor);
    }
  }

  /** The management actions answer the changed event, or null when refused (see `error`). */
  publishEvent(eventId: string): Promise<EventDto | null> {
    return this.act(this.api.publishEvent(eventId));
  }

  cancelEvent(eventId: string): Promise<EventDto | null> {
    return this.act(this.api.cancelEvent(eventId));
  }

  private loadPage(eventId: string, cursor: string | null): Subscription {
    return this.api
      .attendees(eventId, cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) =>
          this.state.update((s) => ({
            ...s,
            attendees: [...(cursor === null ? [] : (s.attendees ?? [])), ...page.items],
            attendeesCursor: page.nextCursor,
            attendeesError: null,
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, attendeesError: describeHttpError(error) })),
      });
  }

  /** What the API answered, or null when it refused (the reason is then in `error`). */
  private async act<T>(request: Observable<T>): Promise<T | null> {
    this.state.update((s) => ({ ...s, busy: true, error: null }));
    try {
      return await firstValueFrom(request);
    } catch (error) {
      this.state.update((s) => ({ ...s, error: describeHttpError(error) }));
      return null;
    } finally {
      this.state.update((s) => ({ ...s, busy: false }));
    }
  }
}
