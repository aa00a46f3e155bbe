import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as future, startEventService, type StartedEventService } from './fixtures.js';

/**
 * A rush over two ticket types and an overall capacity (issue 14): many more people than seats at
 * once, against PostgreSQL in CI (real concurrency through a pool) and PGlite embedded. The
 * database's counters and rows must agree with both limits, and each type's queue must be strict.
 */
describe('ticket types under concurrency', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app, sdb } = service);
  });
  afterAll(() => service.stop());

  const attendees = (n: number) => Promise.all(Array.from({ length: n }, () => env.tokenFor({ roles: ['attendee'] })));

  async function rush(limits: { overall: number; a: number; b: number }, people: number) {
    const { id, organizer } = await eventFactory(service, { title: 'Launch', startsAt: future(4), endsAt: future(4.1), venue: 'Hall' })({
      capacity: limits.overall,
      ticketTypes: [
        { name: 'Early', capacity: limits.a },
        { name: 'Regular', capacity: limits.b },
      ],
    });
    const event = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body;
    const [a, b] = event.ticketTypes.map((t: { id: string }) => t.id) as [string, string];
    const crowd = await attendees(people);
    const asked = crowd.map((_, i) => (i % 2 === 0 ? a : b));
    const results = await Promise.all(
      crowd.map((p, i) => request(app).post(`/api/events/${id}/registrations`).set(bearer(p)).send({ ticketTypeId: asked[i] })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const rows = (
      await sql<{ ticket_type_id: string; status: string; n: string }>`
        select ticket_type_id, status, count(*) as n from ${sql.id(sdb.schema, 'registrations')}
         where event_id = ${id} group by ticket_type_id, status`.execute(sdb.db)
    ).rows;
    const count = (type: string, status: string) => Number(rows.find((r) => r.ticket_type_id === type && r.status === status)?.n ?? 0);
    const after = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body.availability;
    const byType = (type: string) => results.filter((_, i) => asked[i] === type).map((r) => r.body);
    return { a, b, count, after, byType };
  }

  /** Each type's waitlist positions are exactly 1..k, each once: a strict queue per type. */
  function expectStrictQueues(waitlisted: { waitlistPosition?: number }[]) {
    expect(waitlisted.map((r) => r.waitlistPosition!).sort((x, y) => x - y)).toEqual(
      Array.from({ length: waitlisted.length }, (_, i) => i + 1),
    );
  }

  it('when 80 people rush two types of 4 seats under an overall 10, then exactly 4 + 4 are confirmed and each type’s queue is strict', async () => {
    const { a, b, count, after, byType } = await rush({ overall: 10, a: 4, b: 4 }, 80);
    expect([count(a, 'confirmed'), count(b, 'confirmed')]).toEqual([4, 4]);
    expect([count(a, 'waitlisted'), count(b, 'waitlisted')]).toEqual([36, 36]);
    expect(after).toMatchObject({ capacity: 8, confirmed: 8, waitlisted: 72 });
    expect(after.ticketTypes).toEqual([
      { id: a, capacity: 4, confirmed: 4, seatsLeft: 0, waitlisted: 36 },
      { id: b, capacity: 4, confirmed: 4, seatsLeft: 0, waitlisted: 36 },
    ]);
    for (const type of [a, b]) {
      const mine = byType(type);
      expect(mine.filter((r) => r.status === 'confirmed').every((r) => typeof r.ticketToken === 'string')).toBe(true);
      expectStrictQueues(mine.filter((r) => r.status === 'waitlisted'));
    }
  });

  it('when 80 people rush types of 6 and 8 seats under an overall 10, then exactly 10 are confirmed, neither type over its quota, and counters match the rows', async () => {
    const { a, b, count, after, byType } = await rush({ overall: 10, a: 6, b: 8 }, 80);
    expect(count(a, 'confirmed') + count(b, 'confirmed')).toBe(10);
    expect(count(a, 'confirmed')).toBeLessThanOrEqual(6);
    expect(count(b, 'confirmed')).toBeLessThanOrEqual(8);
    expect(count(a, 'confirmed') + count(a, 'waitlisted')).toBe(40);
    expect(after).toMatchObject({ capacity: 10, confirmed: 10, seatsLeft: 0, waitlisted: 70 });
    expect(after.ticketTypes.map((t: { confirmed: number; waitlisted: number }) => [t.confirmed, t.waitlisted])).toEqual([
      [count(a, 'confirmed'), count(a, 'waitlisted')],
      [count(b, 'confirmed'), count(b, 'waitlisted')],
    ]);
    for (const type of [a, b]) expectStrictQueues(byType(type).filter((r) => r.status === 'waitlisted'));
  });

  it('when confirmed people of both types cancel at once, then exactly the freed seats are refilled, each from its own type’s queue head', async () => {
    const { id, organizer } = await eventFactory(service, { title: 'Refill', startsAt: future(4), endsAt: future(4.1), venue: 'Hall' })({
      ticketTypes: [
        { name: 'Early', capacity: 3 },
        { name: 'Regular', capacity: 3 },
      ],
    });
    const [a, b] = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body.ticketTypes.map(
      (t: { id: string }) => t.id,
    ) as [string, string];
    const crowd = await attendees(16);
    const regs: { p: { token: string }; id: string; userId: string; ticketTypeId: string; status: string }[] = [];
    // One by one, so each type's queue order is known.
    for (const [i, p] of crowd.entries())
      regs.push({
        p,
        ...(
          await request(app)
            .post(`/api/events/${id}/registrations`)
            .set(bearer(p))
            .send({ ticketTypeId: i % 2 ? b : a })
            .expect(201)
        ).body,
      });
    const queue = (type: string) => regs.filter((r) => r.ticketTypeId === type && r.status === 'waitlisted').map((r) => r.userId);
    const [queueA, queueB] = [queue(a), queue(b)];
    const leaving = [
      ...regs.filter((r) => r.ticketTypeId === a && r.status === 'confirmed').slice(0, 2),
      ...regs.filter((r) => r.ticketTypeId === b && r.status === 'confirmed').slice(0, 1),
    ];
    const cancels = await Promise.all(leaving.map((r) => request(app).delete(`/api/registrations/${r.id}`).set(bearer(r.p))));
    expect(cancels.map((c) => c.status)).toEqual([200, 200, 200]);
    const confirmed = await request(app)
      .get(`/api/events/${id}/registrations`)
      .query({ limit: 100, status: 'confirmed' })
      .set(bearer(organizer))
      .expect(200);
    const ids = (type: string) =>
      new Set(
        confirmed.body.items.filter((r: { ticketTypeId: string }) => r.ticketTypeId === type).map((r: { userId: string }) => r.userId),
      );
    expect(ids(a).size).toBe(3);
    expect(ids(b).size).toBe(3);
    expect(queueA.slice(0, 2).every((u) => ids(a).has(u)) && !queueA.slice(2).some((u) => ids(a).has(u))).toBe(true);
    expect(ids(b).has(queueB[0]) && !queueB.slice(1).some((u) => ids(b).has(u))).toBe(true);
  });
});
