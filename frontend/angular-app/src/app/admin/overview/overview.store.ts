import { Injectable, computed, inject, signal } from '@angular/core';
import type { EventDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { ChartRange, rangeBuckets, sumByBucket } from '../../charts/chart-data';
import { EventsApi } from '../../events/events.api';
import { describeHttpError } from '../../http/problem-details';
import { AuditApi, AuditStats } from '../audit/audit.api';

/** How many pages (of 100) of events the status and top-events charts read; past that they say so. */
export const MAX_EVENT_PAGES = 10;

export interface OverviewData {
  readonly range: ChartRange;
  readonly bucket: 'hour' | 'day';
  /** Each bucket's start (an instant), oldest first. */
  readonly starts: readonly string[];
  readonly eventsByStatus: Readonly<Record<EventDto['status'], number>>;
  /** False when there were more events than `MAX_EVENT_PAGES` pages. */
  readonly eventsComplete: boolean;
  /** The five events with the most confirmed registrations. */
  readonly topEvents: readonly { readonly title: string; readonly confirmed: number }[];
  readonly registrations: readonly number[];
  readonly waitlisted: readonly number[];
  readonly checkins: readonly number[];
  readonly signIns: readonly number[];
  readonly failures: readonly number[];
  readonly denied: readonly number[];
}

interface OverviewState {
  readonly data: OverviewData | null;
  readonly error: string | null;
}

type StatsRow = AuditStats['counts'][number];

/** The browser's IANA time zone, whose days the charts follow. */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * State of `/admin/overview`. The counts over time are the audit-service's exact aggregates
 * (`GET /api/audit/stats`: every message is recorded in the trail with the instant it happened,
 * and PostgreSQL counts them per hour or day of the browser's time zone). Events by status and
 * the top events are the events' current state, from the event list (at most `MAX_EVENT_PAGES`
 * pages; the page says when there were more).
 */
@Injectable()
export class OverviewStore {
  private readonly events = inject(EventsApi);
  private readonly audit = inject(AuditApi);
  private readonly state = signal<OverviewState>({ data: null, error: null });
  private loads = 0;

  readonly data = computed(() => this.state().data);
  readonly error = computed(() => this.state().error);

  async load(
    range: ChartRange = 'month',
    now: Date = new Date(),
    tz: string = browserTimeZone(),
  ): Promise<void> {
    const load = ++this.loads;
    const buckets = rangeBuckets(range, now);
    try {
      const [events, stats] = await Promise.all([
        this.collectEvents(),
        firstValueFrom(
          this.audit.stats({ from: buckets.from, to: buckets.to, bucket: buckets.bucket, tz }),
        ),
      ]);
      // A later choice of range wins over a slower earlier answer.
      if (load !== this.loads) return;
      const series = (keep: (row: StatsRow) => boolean) =>
        sumByBucket(stats.counts.filter(keep), buckets.starts);
      const eventsByStatus = { draft: 0, published: 0, cancelled: 0, completed: 0 };
      for (const event of events.items) {
        eventsByStatus[event.status] += 1;
      }
      const topEvents = [...events.items]
        .sort((a, b) => b.availability.confirmed - a.availability.confirmed)
        .slice(0, 5)
        .map((event) => ({ title: event.title, confirmed: event.availability.confirmed }));
      this.state.set({
        error: null,
        data: {
          range,
          bucket: buckets.bucket,
          starts: buckets.starts,
          eventsByStatus,
          eventsComplete: events.complete,
          topEvents,
          // A registration and a check-in are each both a message and an audit record of the same
          // action: count the message, once.
          registrations: series((row) => row.type === 'registration.confirmed.v1'),
          waitlisted: series((row) => row.type === 'registration.waitlisted.v1'),
          checkins: series((row) => row.type === 'checkin.recorded.v1'),
          signIns: series((row) => row.action === 'auth.login' && row.outcome === 'success'),
          failures: series((row) => row.outcome === 'failure'),
          denied: series((row) => row.outcome === 'denied'),
        },
      });
    } catch (error) {
      if (load !== this.loads) return;
      this.state.set({ data: null, error: describeHttpError(error) });
    }
  }

  private async collectEvents(): Promise<{ items: EventDto[]; complete: boolean }> {
    const items: EventDto[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_EVENT_PAGES; page++) {
      const next: { items: EventDto[]; nextCursor: string | null } = await firstValueFrom(
        this.events.listAllEvents(cursor),
      );
      items.push(...next.items);
      cursor = next.nextCursor;
      if (cursor === null) return { items, complete: true };
    }
    return { items, complete: false };
  }
}
