import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as future, startEventService, type StartedEventService } from './fixtures.js';

/**
 * Approvals and access codes under concurrency (issue 14), against PostgreSQL in CI (real
 * parallel transactions through a pool) and PGlite embedded: concurrent approvals never exceed a
 * capacity, and a burst on one code never passes its maxUses.
 */
describe('approvals and access codes under concurrency', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app, sdb } = service);
  });
  afterAll(() => service.stop());

  /**
   * A request sent again while the service answers 503 (its database pool is saturated on a loaded
   * machine, and it says so within 2 s with Retry-After, DESIGN §8), as a client does. A 503 changed
   * nothing (its transaction never began or was rolled back), so the counts below stay exact.
   */
  const untilServed = async (send: () => request.Test) => {
    for (let attempt = 1; ; attempt += 1) {
      const res = await send();
      if (res.status !== 503 || attempt === 20) return res;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  };
  const attendees = (n: number) => Promise.all(Array.from({ length: n }, () => env.tokenFor({ roles: ['attendee'] })));
  const counts = async (eventId: string) => {
    const rows = await sdb.db.selectFrom('registrations').select(['status', 'ticket_type_id']).where('event_id', '=', eventId).execute();
    const event = await sdb.db
      .selectFrom('events')
      .select(['confirmed_count', 'waitlisted_count'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    const types = await sdb.db.selectFrom('ticket_types').select(['id', 'confirmed_count']).where('event_id', '=', eventId).execute();
    return { rows, event, types };
  };

  it('when organizers approve 40 pending registrations at once, one by one and in bulk, then exactly the capacities are confirmed and the rest wait', async () => {
    const { id, organizer } = await eventFactory(service, { title: 'Gala', startsAt: future(5), endsAt: future(5.1), venue: 'Hall' })({
      registrationMode: 'approval',
      capacity: 7,
      ticketTypes: [
        { name: 'Guest', capacity: 5 },
        { name: 'Plus one', capacity: 4 },
      ],
    });
    const event = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body;
    const [a, b] = event.ticketTypes.map((t: { id: string }) => t.id) as [string, string];
    const crowd = await attendees(40);
    const regs = await Promise.all(
      crowd.map(
        async (p, i) =>
          (
            await request(app)
              .post(`/api/events/${id}/registrations`)
              .set(bearer(p))
              .send({ ticketTypeId: i % 2 ? b : a })
              .expect(201)
          ).body,
      ),
    );
    expect(regs.every((r) => r.status === 'pending')).toBe(true);
    const admin = await env.tokenFor({ roles: ['admin'] });
    // Half approved one by one, half in four bulk requests, by two managers, all at once.
    const singles = regs.slice(0, 20).map((r, i) =>
      untilServed(() =>
        request(app)
          .post(`/api/registrations/${r.id}/approve`)
          .set(bearer(i % 2 ? admin : organizer))
          .send(),
      ),
    );
    const bulks = [0, 1, 2, 3].map((k) =>
      untilServed(() =>
        request(app)
          .post(`/api/events/${id}/registrations/approve`)
          .set(bearer(k % 2 ? admin : organizer))
          .send({ ids: regs.slice(20 + k * 5, 25 + k * 5).map((r) => r.id) }),
      ),
    );
    const answers = await Promise.all([...singles, ...bulks]);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    const { rows, event: counters, types } = await counts(id);
    const confirmed = rows.filter((r) => r.status === 'confirmed');
    expect(confirmed.length).toBe(7);
    expect(confirmed.filter((r) => r.ticket_type_id === a).length).toBeLessThanOrEqual(5);
    expect(confirmed.filter((r) => r.ticket_type_id === b).length).toBeLessThanOrEqual(4);
    expect(rows.filter((r) => r.status === 'waitlisted').length).toBe(33);
    expect(counters).toEqual({ confirmed_count: 7, waitlisted_count: 33 });
    expect(types.reduce((n, t) => n + t.confirmed_count, 0)).toBe(7);
  });

  it('when 60 people rush one code with maxUses 8 at once, then exactly 8 registrations are made with it and the rest are told it is used up', async () => {
    const { id, organizer } = await eventFactory(service, { title: 'Offsite', startsAt: future(5), endsAt: future(5.1), venue: 'Barn' })({
      ticketTypes: [
        { name: 'Open', capacity: 100 },
        { name: 'Team', capacity: 50, hidden: true },
      ],
    });
    const event = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body;
    const team = event.ticketTypes[1].id as string;
    const code = (
      await request(app)
        .post(`/api/events/${id}/access-codes`)
        .set(bearer(organizer))
        .send({ code: 'TEAM-RUSH', ticketTypeIds: [team], maxUses: 8 })
        .expect(201)
    ).body;
    const crowd = await attendees(60);
    const answers = await Promise.all(
      crowd.map((p) =>
        request(app).post(`/api/events/${id}/registrations`).set(bearer(p)).send({ ticketTypeId: team, accessCode: 'team-rush' }),
      ),
    );
    const byStatus = answers.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    expect(byStatus).toEqual({ 201: 8, 409: 52 });
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.errors?.[0]?.message === 'used up')).toBe(true);
    const used = await sdb.db.selectFrom('access_codes').select('uses').where('id', '=', code.id).executeTakeFirstOrThrow();
    expect(used.uses).toBe(8);
    const made = await sdb.db.selectFrom('registrations').select('id').where('access_code_id', '=', code.id).execute();
    expect(made.length).toBe(8);
  });
});
