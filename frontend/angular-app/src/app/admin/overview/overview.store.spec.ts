import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { rangeBuckets } from '../../charts/chart-data';
import { aPage, anEvent } from '../../events/events.testing';
import type { AuditStats } from '../audit/audit.api';
import { OverviewStore } from './overview.store';

const NOW = new Date(2030, 2, 10, 12, 30);

type Row = AuditStats['counts'][number];
const row = (bucket: string, count: number, fields: Partial<Row>): Row => ({
  bucket,
  action: null,
  outcome: null,
  type: 'audit.recorded.v1',
  count,
  ...fields,
});

describe('OverviewStore', () => {
  let store: OverviewStore;
  let http: HttpTestingController;
  const settle = () => new Promise((resolve) => setTimeout(resolve));

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [OverviewStore, provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(OverviewStore);
  });

  afterEach(() => http.verify());

  it('counts events by status and takes the trail’s exact counts per day, 30 days back, in the time zone', async () => {
    const buckets = rangeBuckets('month', NOW);
    const [today, yesterday, first] = [buckets.starts[29], buckets.starts[28], buckets.starts[0]];
    const done = store.load('month', NOW, 'Europe/Berlin');
    await settle();
    http
      .expectOne((r) => r.url === '/api/events')
      .flush(
        aPage([
          anEvent({ title: 'A', status: 'published' }),
          anEvent({ title: 'B', status: 'draft' }),
          anEvent({ title: 'C', status: 'published' }),
        ]),
      );
    const stats = http.expectOne((r) => r.url === '/api/audit/stats');
    expect(stats.request.params.get('from')).toBe(first);
    expect(stats.request.params.get('to')).toBe(new Date(2030, 2, 11).toISOString());
    expect(stats.request.params.get('bucket')).toBe('day');
    expect(stats.request.params.get('tz')).toBe('Europe/Berlin');
    stats.flush({
      from: first,
      to: today,
      bucket: 'day',
      tz: 'Europe/Berlin',
      counts: [
        row(yesterday, 1, { action: 'registration.confirmed', type: 'registration.confirmed.v1' }),
        // The same registration as an audit record: counted once, as the message.
        row(yesterday, 1, { action: 'registration.confirmed', outcome: 'success' }),
        // Far more than a page of entries: counted by the server, taken as they are.
        row(today, 2_345, { action: 'registration.confirmed', type: 'registration.confirmed.v1' }),
        row(today, 3, { action: 'registration.waitlisted', type: 'registration.waitlisted.v1' }),
        // The same check-in as an audit record and as a message: counted once.
        row(today, 4, { action: 'checkin.recorded', outcome: 'success' }),
        row(today, 4, { action: 'checkin.recorded', type: 'checkin.recorded.v1' }),
        row(today, 5, { action: 'auth.login', outcome: 'success' }),
        row(first, 6, { action: 'auth.login', outcome: 'failure' }),
        row(first, 1, { action: 'event.update', outcome: 'failure' }),
        row(today, 7, { action: 'access.denied', outcome: 'denied' }),
      ],
    });
    await done;

    const data = store.data()!;
    expect(data.starts).toHaveLength(30);
    expect(data.bucket).toBe('day');
    expect(data.eventsByStatus).toEqual({ draft: 1, published: 2, cancelled: 0, completed: 0 });
    expect(data.eventsComplete).toBe(true);
    expect(data.registrations.slice(-2)).toEqual([1, 2_345]);
    expect(data.waitlisted.at(-1)).toBe(3);
    expect(data.checkins.at(-1)).toBe(4);
    expect(data.signIns.at(-1)).toBe(5);
    expect(data.failures[0]).toBe(7);
    expect(data.denied.at(-1)).toBe(7);
    expect(store.error()).toBeNull();
  });

  it('when the day is chosen, then the last 24 hours are counted by hour', async () => {
    const done = store.load('day', NOW, 'UTC');
    await settle();
    http.expectOne((r) => r.url === '/api/events').flush(aPage([]));
    const stats = http.expectOne((r) => r.url === '/api/audit/stats');
    expect(stats.request.params.get('bucket')).toBe('hour');
    expect(stats.request.params.get('from')).toBe(new Date(2030, 2, 9, 13).toISOString());
    expect(stats.request.params.get('to')).toBe(new Date(2030, 2, 10, 13).toISOString());
    stats.flush({ from: '', to: '', bucket: 'hour', tz: 'UTC', counts: [] });
    await done;
    expect(store.data()!.starts).toHaveLength(24);
    expect(store.data()!.registrations.every((n) => n === 0)).toBe(true);
  });

  it('when the trail is refused, then the reason is shown instead of charts', async () => {
    const done = store.load('week', NOW);
    await settle();
    http.expectOne((r) => r.url === '/api/events').flush(aPage([]));
    http
      .expectOne((r) => r.url === '/api/audit/stats')
      .flush(
        { title: 'Forbidden', status: 403, detail: 'Admins only.' },
        { status: 403, statusText: 'Forbidden' },
      );
    await done;

    expect(store.data()).toBeNull();
    expect(store.error()).toBe('Admins only.');
  });
});
