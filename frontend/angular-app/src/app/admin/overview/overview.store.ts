import { Injectable, computed, inject, signal } from '@angular/core';
import type { EventDto } from '@secureevent/contracts';
import { firstValueFrom } from 'rxjs';

import { countByDay, lastDays } from '../../charts/chart-data';
import { EventsApi } from '../../events/events.api';
import { describeHttpError } from '../../http/problem-details';
import { AuditApi, AuditEntry, AuditFilter, AuditPage } from '../audit/audit.api';

/** How many pages (of 100) one series may read; past that the chart says it is partial. */
export const MAX_PAGES = 10;
/** The days the time charts cover. */
export const DAYS = 30;

/** Entries of one series of the trail, and whether they are all of them. */
interface Collected<T> {
  readonly items: readonly T[];
  readonly complete: boolean;
}

export interface DaySeries {
  readonly counts: readonly number[];
  readonly complete: boolean;
}

export interface OverviewData {
  readonly days: readonly string[];
  readonly eventsByStatus: Readonly<Record<EventDto['status'], number>>;
  readonly eventsComplete: boolean;
  /** The five events with the most confirmed registrations. */
  readonly topEvents: readonly { readonly title: string; readonly confirmed: number }[];
  readonly registrations: DaySeries;
  readonly waitlisted: DaySeries;
  readonly checkins: DaySeries;
  readonly signIns: DaySeries;
  readonly failures: DaySeries;
  readonly denied: DaySeries;
}

interface OverviewState {
  readonly data: OverviewData | null;
  readonly error: string | null;
}

/**
 * State of `/admin/overview`: the numbers behind the admin charts, from the APIs that exist —
 * events (by status, top by registrations) from the event list, and the counts over time from
 * the audit trail (every message is recorded there with the instant it happened). Each series
 * reads at most `MAX_PAGES` pages; a chart fed by more says so.
 */
@Injectable()
export class OverviewStore {
  private readonly events = inject(EventsApi);
  private readonly audit = inject(AuditApi);
  private readonly state = signal<OverviewState>({ data: null, error: null });

  readonly data = computed(() => this.state().data);
  readonly error = computed(() => this.state().error);

  async load(now: Date = new Date()): Promise<void> {
    const days = lastDays(DAYS, now);
    const from = `${days[0]}T00:00:00.000Z`;
    const since = (filter: AuditFilter, keep: (entry: AuditEntry) => boolean = () => true) =>
      this.collectAudit({ ...filter, from }).then((collected) => ({
        counts: countByDay(
          collected.items.filter(keep).map((entry) => entry.occurredAt),
          days,
        ),
        complete: collected.complete,
      }));
    try {
      const [events, registrations, waitlisted, checkins, signIns, failures, denied] =
        await Promise.all([
          this.collectEvents(),
          since({ action: 'registration.confirmed' }),
          since({ action: 'registration.waitlisted' }),
          // A check-in is both a message and an audit record; count the message once.
          since({ action: 'checkin.recorded' }, (entry) => entry.type === 'checkin.recorded.v1'),
          since({ action: 'auth.login', outcome: 'success' }),
          since({ outcome: 'failure' }),
          since({ outcome: 'denied' }),
        ]);
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
          days,
          eventsByStatus,
          eventsComplete: events.complete,
          topEvents,
          registrations,
          waitlisted,
          checkins,
          signIns,
          failures,
          denied,
        },
      });
    } catch (error) {
      this.state.set({ data: null, error: describeHttpError(error) });
    }
  }

  private async collectEvents(): Promise<Collected<EventDto>> {
    const items: EventDto[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const next: { items: EventDto[]; nextCursor: string | null } = await firstValueFrom(
        this.events.listAllEvents(cursor),
      );
      items.push(...next.items);
      cursor = next.nextCursor;
      if (cursor === null) return { items, complete: true };
    }
    return { items, complete: false };
  }

  private async collectAudit(filter: AuditFilter): Promise<Collected<AuditEntry>> {
    const items: AuditEntry[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const next: AuditPage = await firstValueFrom(this.audit.search(filter, cursor, 100));
      items.push(...next.items);
      cursor = next.nextCursor;
      if (cursor === null) return { items, complete: true };
    }
    return { items, complete: false };
  }
}
