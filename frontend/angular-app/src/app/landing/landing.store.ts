import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';

import { EventSummary } from '../events/event.model';
import { EventsApi } from '../events/events.api';
import { describeHttpError } from '../http/problem-details';

/** How many upcoming events the landing page shows before "See all events". */
export const LANDING_EVENT_COUNT = 6;

interface LandingState {
  /** Null until loaded. */
  readonly events: readonly EventSummary[] | null;
  readonly error: string | null;
}

/** State of `/` for visitors: the first few upcoming public events. */
@Injectable()
export class LandingStore {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);
  private readonly state = signal<LandingState>({ events: null, error: null });

  readonly events = computed(() => this.state().events);
  readonly error = computed(() => this.state().error);

  /** The API lists published events still to come, soonest first; the page shows the first few. */
  load(): void {
    this.api
      .listPublishedEvents()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ({ items }) =>
          this.state.set({ events: items.slice(0, LANDING_EVENT_COUNT), error: null }),
        error: (error: unknown) =>
          this.state.set({ events: null, error: describeHttpError(error) }),
      });
  }
}
