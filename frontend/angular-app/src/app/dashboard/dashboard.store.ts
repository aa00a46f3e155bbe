import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { EventDto } from '@secureevent/contracts';

import { EventsApi, MyRegistration } from '../events/events.api';
import { describeHttpError } from '../http/problem-details';

interface DashboardState {
  /** Null until loaded: the viewer's registrations for events not yet over, cancelled ones left out. */
  readonly registrations: readonly MyRegistration[] | null;
  readonly registrationsError: string | null;
  /** Null until loaded (and for people who organize nothing). */
  readonly myEvents: readonly EventDto[] | null;
  readonly myEventsError: string | null;
}

/** State of `/dashboard`: upcoming registrations and, for organizers, their events. */
@Injectable()
export class DashboardStore {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<DashboardState>({
    registrations: null,
    registrationsError: null,
    myEvents: null,
    myEventsError: null,
  });

  readonly registrations = computed(() => this.state().registrations);
  readonly registrationsError = computed(() => this.state().registrationsError);
  readonly myEvents = computed(() => this.state().myEvents);
  readonly myEventsError = computed(() => this.state().myEventsError);

  /** Loads the registrations still to come at `now`, and the viewer's own events when asked. */
  load(withOwnEvents: boolean, now = Date.now()): void {
    this.api
      .myRegistrations()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ items }) =>
          this.state.update((s) => ({
            ...s,
            registrations: items.filter(
              (r) => r.status !== 'cancelled' && Date.parse(r.endsAt) > now,
            ),
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({ ...s, registrationsError: describeHttpError(error) })),
      });
    if (withOwnEvents) {
      this.api
        .myEvents()
        .pipe(takeUntilDestroyed(this.destroyRef))
        .subscribe({
          next: ({ items }) => this.state.update((s) => ({ ...s, myEvents: items })),
          error: (error: unknown) =>
            this.state.update((s) => ({ ...s, myEventsError: describeHttpError(error) })),
        });
    }
  }
}
