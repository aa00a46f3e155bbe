import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';

import { describeHttpError } from '../http/problem-details';
import { EventSummary } from './event.model';
import { EventFilters, EventsApi } from './events.api';
import { Subscription } from 'rxjs';

/** Where the list is: waiting for its first page, showing events, or showing why it failed. */
export const EventListStatus = {
  Loading: 'loading',
  Ready: 'ready',
  Failed: 'failed',
} as const;
export type EventListStatus = (typeof EventListStatus)[keyof typeof EventListStatus];

interface EventListState {
  readonly status: EventListStatus;
  readonly events: readonly EventSummary[];
  readonly nextCursor: string | null;
  readonly loadingMore: boolean;
  readonly errorMessage: string | null;
}

/** State of the paged event list; provided by the page, so it lives as long as the page does. */
@Injectable()
export class EventListStore {
  private readonly api = inject(EventsApi);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal<EventListState>({
    status: EventListStatus.Loading,
    events: [],
    nextCursor: null,
    loadingMore: false,
    errorMessage: null,
  });

  readonly status = computed(() => this.state().status);
  readonly events = computed(() => this.state().events);
  readonly loadingMore = computed(() => this.state().loadingMore);
  /** Why the last request failed, in words for the user; null when it did not. */
  readonly errorMessage = computed(() => this.state().errorMessage);
  readonly hasMore = computed(() => this.state().nextCursor !== null);
  readonly isEmpty = computed(
    () => this.state().status === EventListStatus.Ready && this.state().events.length === 0,
  );

  private filters: EventFilters = {};
  private firstPage: Subscription | undefined;

  /** Loads the first page matching `filters` (the previous ones when omitted). */
  loadFirstPage(filters: EventFilters = this.filters): void {
    this.filters = filters;
    // A newer search wins: the answer to an older one must not overwrite it.
    this.firstPage?.unsubscribe();
    this.state.set({
      status: EventListStatus.Loading,
      events: [],
      nextCursor: null,
      loadingMore: false,
      errorMessage: null,
    });
    this.firstPage = this.api
      .listPublishedEvents(null, filters)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) =>
          this.state.update((s) => ({
            ...s,
            status: EventListStatus.Ready,
            events: page.items,
            nextCursor: page.nextCursor,
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({
            ...s,
            status: EventListStatus.Failed,
            errorMessage: describeHttpError(error),
          })),
      });
  }

  /** Appends the next page; on failure the events already shown stay. */
  loadNextPage(): void {
    const { nextCursor, loadingMore } = this.state();
    if (nextCursor === null || loadingMore) {
      return;
    }
    this.state.update((s) => ({ ...s, loadingMore: true, errorMessage: null }));
    this.api
      .listPublishedEvents(nextCursor, this.filters)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) =>
          this.state.update((s) => ({
            ...s,
            events: [...s.events, ...page.items],
            nextCursor: page.nextCursor,
            loadingMore: false,
          })),
        error: (error: unknown) =>
          this.state.update((s) => ({
            ...s,
            loadingMore: false,
            errorMessage: describeHttpError(error),
          })),
      });
  }
}
