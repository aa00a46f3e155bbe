import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, loadSigningKeys, newId, type Envelope, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AuditDb } from '../src/db/schema.js';
import { auditService } from '../src/service.js';
import { recordEntry } from '../src/trail/record-entry.js';

interface Count {
  bucket: string;
  action: string | null;
  outcome: string | null;
  type: string;
  count: number;
}

describe('audit stats (GET /api/audit/stats) and the type filter', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<AuditDb>;
  let stop: () => Promise<void>;
  let admin: { token: string };
  const actor = newId('usr');

  const asAdmin = (url: string) => request(app).get(url).set('authorization', `Bearer ${admin.token}`);
  const at = (time: string, type: string, data: object, subject?: string): Envelope => ({
    ...createEnvelope('/secureevent/test', { type, subject, data }),
    time,
  });
  const stats = async (q: string) =>
    (await asAdmin(`/api/audit/stats?${q}`).expect(200)).body as { counts: Count[]; bucket: string; tz: string };
  /** The count of one bucket and type (all actions and outcomes), 0 when absent. */
  const countOf = (counts: Count[], bucket: string, match: (c: Count) => boolean) =>
    counts.filter((c) => c.bucket === bucket && match(c)).reduce((n, c) => n + c.count, 0);

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, auditService({ signingKey: await loadSigningKeys({}) }));
    app = started.app;
    sdb = started.sdb;
    stop = () => started.booted.stop();
    admin = await env.tokenFor({ roles: ['admin'] });
    // Through the broker, as in production: a few entries at known instants.
    const sent = [
      at('2030-03-09T10:00:00.000Z', 'registration.confirmed.v1', { eventId: newId('evt') }),
      // 23:30 UTC on the 9th is 00:30 on the 10th in Berlin (UTC+1 in March).
      at('2030-03-09T23:30:00.000Z', 'registration.confirmed.v1', { eventId: newId('evt') }),
      at('2030-03-10T08:15:00.000Z', 'registration.waitlisted.v1', { eventId: newId('evt') }),
      at('2030-03-10T08:45:00.000Z', 'checkin.recorded.v1', { checkedInBy: actor }),
      at('2030-03-10T08:45:00.000Z', 'audit.recorded.v1', {
        actorId: actor,
        action: 'checkin.recorded',
        targetId: null,
        outcome: 'success',
      }),
      at('2030-03-10T09:00:00.000Z', 'audit.recorded.v1', { actorId: actor, action: 'auth.login', targetId: null, outcome: 'failure' }),
      at('2030-04-02T12:00:00.000Z', 'audit.recorded.v1', { actorId: actor, action: 'access.denied', targetId: null, outcome: 'denied' }),
    ];
    for (const m of sent) await env.publishRaw(m.type, m);
    await vi.waitFor(async () => expect((await asAdmin('/api/audit?limit=100').expect(200)).body.items).toHaveLength(sent.length), {
      timeout: 15_000,
      interval: 100,
    });
    // More confirmations on one day than the old client-side count could page through (10 × 100),
    // recorded the way the consumer records them, in one transaction to keep the test quick.
    await sdb.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 1_234; i++) {
        await recordEntry(trx, at(`2030-03-11T${String(i % 24).padStart(2, '0')}:00:00.000Z`, 'registration.confirmed.v1', { n: i }));
      }
    });
  }, 120_000);
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when counted by day in UTC, then each day has exact counts by action, outcome and type, beyond 1,000 a day', async () => {
    const body = await stats('from=2030-03-09T00:00:00Z&to=2030-03-12T00:00:00Z&bucket=day');
    expect(body).toMatchObject({ bucket: 'day', tz: 'UTC' });
    const confirmed = (c: Count) => c.action === 'registration.confirmed';
    expect(countOf(body.counts, '2030-03-09T00:00:00.000Z', confirmed)).toBe(2);
    expect(countOf(body.counts, '2030-03-10T00:00:00.000Z', confirmed)).toBe(0);
    expect(countOf(body.counts, '2030-03-11T00:00:00.000Z', confirmed)).toBe(1_234);
    expect(countOf(body.counts, '2030-03-10T00:00:00.000Z', (c) => c.action === 'registration.waitlisted')).toBe(1);
    // A check-in is both a message and an audit record: the type tells them apart.
    const checkins = body.counts.filter((c) => c.action === 'checkin.recorded');
    expect(checkins.map((c) => [c.type, c.outcome, c.count]).sort()).toEqual([
      ['audit.recorded.v1', 'success', 1],
      ['checkin.recorded.v1', null, 1],
    ]);
    expect(countOf(body.counts, '2030-03-10T00:00:00.000Z', (c) => c.action === 'auth.login' && c.outcome === 'failure')).toBe(1);
    // Outside [from, to): the April denial.
    expect(body.counts.some((c) => c.outcome === 'denied')).toBe(false);
    expect(body.counts.map((c) => c.bucket)).toEqual([...body.counts.map((c) => c.bucket)].sort());
  });

  it('when counted in a time zone, then the days are that zone’s days', async () => {
    const body = await stats('from=2030-03-08T23:00:00Z&to=2030-03-10T23:00:00Z&bucket=day&tz=Europe/Berlin');
    const confirmed = (c: Count) => c.action === 'registration.confirmed';
    expect(countOf(body.counts, '2030-03-08T23:00:00.000Z', confirmed)).toBe(1);
    expect(countOf(body.counts, '2030-03-09T23:00:00.000Z', confirmed)).toBe(1);
  });

  it('when counted by hour, week or month, then the buckets start at the hour, the Monday and the first of the month', async () => {
    const hourly = await stats('from=2030-03-10T08:00:00Z&to=2030-03-10T10:00:00Z&bucket=hour');
    expect([...new Set(hourly.counts.map((c) => c.bucket))]).toEqual(['2030-03-10T08:00:00.000Z', '2030-03-10T09:00:00.000Z']);
    expect(countOf(hourly.counts, '2030-03-10T08:00:00.000Z', () => true)).toBe(3);
    // 2030-03-09 is a Saturday, 2030-03-11 a Monday.
    const weekly = await stats('from=2030-03-01T00:00:00Z&to=2030-03-31T00:00:00Z&bucket=week');
    expect(countOf(weekly.counts, '2030-03-04T00:00:00.000Z', () => true)).toBe(6);
    expect(countOf(weekly.counts, '2030-03-11T00:00:00.000Z', () => true)).toBe(1_234);
    const monthly = await stats('from=2030-01-01T00:00:00Z&to=2031-01-01T00:00:00Z&bucket=month');
    expect(countOf(monthly.counts, '2030-03-01T00:00:00.000Z', () => true)).toBe(6 + 1_234);
    expect(countOf(monthly.counts, '2030-04-01T00:00:00.000Z', (c) => c.outcome === 'denied')).toBe(1);
  });

  it.each([
    ['no range', ''],
    ['to before from', 'from=2030-03-10T00:00:00Z&to=2030-03-09T00:00:00Z'],
    ['an unknown bucket', 'from=2030-03-09T00:00:00Z&to=2030-03-10T00:00:00Z&bucket=minute'],
    ['an offset for a time zone', 'from=2030-03-09T00:00:00Z&to=2030-03-10T00:00:00Z&tz=%2B01:00'],
    ['an unknown time zone', 'from=2030-03-09T00:00:00Z&to=2030-03-10T00:00:00Z&tz=Mars/Olympus_Mons'],
    ['SQL for a time zone', "from=2030-03-09T00:00:00Z&to=2030-03-10T00:00:00Z&tz=UTC');drop table entries;--"],
    ['too many buckets', 'from=2029-01-01T00:00:00Z&to=2030-03-10T00:00:00Z&bucket=hour'],
  ])('when the query has %s, then it is refused as a problem', async (_what, q) => {
    const res = await asAdmin(`/api/audit/stats?${q}`).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(400);
  });

  it('when someone who is not an admin asks, then the counts are refused', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    await request(app)
      .get('/api/audit/stats?from=2030-03-09T00:00:00Z&to=2030-03-10T00:00:00Z')
      .set('authorization', `Bearer ${organizer.token}`)
      .expect(403);
    await request(app).get('/api/audit/stats?from=2030-03-09T00:00:00Z&to=2030-03-10T00:00:00Z').expect(401);
  });

  it('when the trail is searched by message type, then only that type comes, keyset-paged, and a malformed type is refused', async () => {
    const page1 = (await asAdmin('/api/audit?type=registration.confirmed.v1&limit=100').expect(200)).body as {
      items: { type: string; seq: number }[];
      nextCursor: string;
    };
    expect(page1.items).toHaveLength(100);
    expect(page1.items.every((e) => e.type === 'registration.confirmed.v1')).toBe(true);
    const page2 = (await asAdmin(`/api/audit?type=registration.confirmed.v1&limit=100&cursor=${page1.nextCursor}`).expect(200)).body as {
      items: { type: string; seq: number }[];
    };
    expect(page2.items.every((e) => e.type === 'registration.confirmed.v1')).toBe(true);
    expect(page2.items[0]!.seq).toBeLessThan(page1.items.at(-1)!.seq);
    const checkins = (await asAdmin('/api/audit?type=checkin.recorded.v1').expect(200)).body.items as { type: string; action: string }[];
    expect(checkins.map((e) => [e.type, e.action])).toEqual([['checkin.recorded.v1', 'checkin.recorded']]);
    const bad = await asAdmin('/api/audit?type=checkin%20recorded').expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
