import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { aPage, anEvent } from '../../events/events.testing';
import type { AuditEntry } from '../audit/audit.api';
import { OverviewStore } from './overview.store';

const NOW = new Date('2030-03-10T12:00:00Z');

function entry(occurredAt: string, type = 'registration.confirmed.v1'): Partial<AuditEntry> {
  return { seq: 1, occurredAt, type };
}

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

  const audit = (match: (params: URLSearchParams) => boolean) =>
    http.expectOne(
      (r) => r.url === '/api/audit' && match(new URLSearchParams(r.params.toString())),
    );

  it('counts events by status and the trail’s entries per day, from 30 days back', async () => {
    const done = store.load(NOW);
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
    const confirmed = audit((p) => p.get('action') === 'registration.confirmed');
    expect(confirmed.request.params.get('from')).toBe('2030-02-09T00:00:00.000Z');
    expect(confirmed.request.params.get('limit')).toBe('100');
    confirmed.flush({
      items: [
        entry('2030-03-10T08:00:00Z'),
        entry('2030-03-10T09:00:00Z'),
        entry('2030-03-09T09:00:00Z'),
      ],
      nextCursor: null,
    });
    audit((p) => p.get('action') === 'registration.waitlisted').flush({
      items: [],
      nextCursor: null,
    });
    // The same check-in as an audit record and as a message: counted once.
    audit((p) => p.get('action') === 'checkin.recorded').flush({
      items: [
        entry('2030-03-10T10:00:00Z', 'audit.recorded.v1'),
        entry('2030-03-10T10:00:00Z', 'checkin.recorded.v1'),
      ],
      nextCursor: null,
    });
    audit((p) => p.get('action') === 'auth.login').flush({ items: [], nextCursor: null });
    audit((p) => p.get('outcome') === 'failure' && !p.has('action')).flush({
      items: [entry('2030-03-01T10:00:00Z', 'audit.recorded.v1')],
      nextCursor: null,
    });
    audit((p) => p.get('outcome') === 'denied').flush({ items: [], nextCursor: null });
    await done;

    const data = store.data()!;
    expect(data.days).toHaveLength(30);
    expect(data.eventsByStatus).toEqual({ draft: 1, published: 2, cancelled: 0, completed: 0 });
    expect(data.registrations.counts.slice(-2)).toEqual([1, 2]);
    expect(data.checkins.counts.at(-1)).toBe(1);
    expect(data.failures.counts[data.days.indexOf('2030-03-01')]).toBe(1);
    expect(data.registrations.complete).toBe(true);
    expect(store.error()).toBeNull();
  });

  it('when the trail is refused, then the reason is shown instead of charts', async () => {
    const done = store.load(NOW);
    await settle();
    http.expectOne((r) => r.url === '/api/events').flush(aPage([]));
    for (const request of http.match((r) => r.url === '/api/audit')) {
      request.flush(
        { title: 'Forbidden', status: 403, detail: 'Admins only.' },
        { status: 403, statusText: 'Forbidden' },
      );
    }
    await done;

    expect(store.data()).toBeNull();
    expect(store.error()).toBe('Admins only.');
  });
});
