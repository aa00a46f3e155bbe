import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, createOutbox, type ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { createBatchedRegistration } from '../src/registrations/register-for-event.js';
import { createTicketSigner } from '../src/registrations/tickets.js';
import { eventFactory, inDays as future, startEventService, type StartedEventService } from './fixtures.js';

/**
 * Oversold events are the classic event-system bug. These tests fire many requests at once and
 * check the database's verdict: against PostgreSQL in CI (real concurrency through a pool), and
 * against PGlite in embedded mode.
 */
describe('registration under concurrency', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;
  const ticketSecret = 'concurrency-test-ticket-secret-0123456789';

  beforeAll(async () => {
    service = await startEventService({ ticketSecret });
    ({ env, app, sdb } = service);
  });
  afterAll(() => service.stop());

  async function publishedEvent(capacity: number, extra: Record<string, unknown> = {}) {
    const { id, organizer } = await eventFactory(service, { title: 'Rush hour', startsAt: future(5), endsAt: future(5.1), venue: 'Hall' })({
      capacity,
      ...extra,
    });
    return { id, auth: { authorization: `Bearer ${organizer.token}` } };
  }

  const attendees = (n: number) => Promise.all(Array.from({ length: n }, () => env.tokenFor({ roles: ['attendee'] })));

  it('when many more people than seats register at once, then exactly the capacity is confirmed and the rest wait in a strict order', async () => {
    const seats = 10;
    const people = await attendees(60);
    const { id, auth } = await publishedEvent(seats);

    const results = await Promise.all(
      people.map((p) => request(app).post(`/api/events/${id}/registrations`).set('authorization', `Bearer ${p.token}`).send({})),
    );

    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    const confirmed = results.filter((r) => r.body.status === 'confirmed');
    const waitlisted = results.filter((r) => r.body.status === 'waitlisted');
    expect(confirmed).toHaveLength(seats);
    expect(waitlisted).toHaveLength(people.length - seats);
    expect(confirmed.every((r) => typeof r.body.ticketToken === 'string')).toBe(true);
    // Positions are exactly 1..50, each once: a strict queue with no ties and no gaps.
    expect(waitlisted.map((r) => r.body.waitlistPosition as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );

    const event = await request(app).get(`/api/events/${id}`).set(auth).expect(200);
    expect(event.body.availability).toEqual({
      capacity: seats,
      confirmed: seats,
      seatsLeft: 0,
      waitlisted: 50,
      ticketTypes: [{ id: expect.any(String), capacity: seats, confirmed: seats, seatsLeft: 0, waitlisted: 50 }],
    });
    const list = await request(app).get(`/api/events/${id}/registrations`).query({ limit: 100, status: 'confirmed' }).set(auth).expect(200);
    expect(list.body.items).toHaveLength(seats);
  });

  it('when confirmed people cancel at the same time, then exactly as many are promoted, first come first served', async () => {
    const seats = 10;
    const people = await attendees(30);
    const { id, auth } = await publishedEvent(seats);
    // Register one by one so the waitlist order is known.
    const regs: { id: string; status: string; userId: string }[] = [];
    for (const p of people)
      regs.push(
        (await request(app).post(`/api/events/${id}/registrations`).set('authorization', `Bearer ${p.token}`).send({}).expect(201)).body,
      );
    const waitOrder = regs.filter((r) => r.status === 'waitlisted').map((r) => r.userId);
    expect(waitOrder).toHaveLength(20);

    const leaving = people.slice(0, 6);
    const cancels = await Promise.all(
      leaving.map((p, i) => request(app).delete(`/api/registrations/${regs[i]!.id}`).set('authorization', `Bearer ${p.token}`)),
    );
    expect(cancels.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);

    const confirmedNow = await request(app)
      .get(`/api/events/${id}/registrations`)
      .query({ limit: 100, status: 'confirmed' })
      .set(auth)
      .expect(200);
    const confirmedIds = new Set(confirmedNow.body.items.map((r: { userId: string }) => r.userId));
    expect(confirmedIds.size).toBe(seats);
    // The six promoted are exactly the first six in the queue.
    expect(waitOrder.slice(0, 6).every((u) => confirmedIds.has(u))).toBe(true);
    expect(waitOrder.slice(6).some((u) => confirmedIds.has(u))).toBe(false);
    const event = await request(app).get(`/api/events/${id}`).set(auth).expect(200);
    expect(event.body.availability).toEqual({
      capacity: seats,
      confirmed: seats,
      seatsLeft: 0,
      waitlisted: 14,
      ticketTypes: [{ id: expect.any(String), capacity: seats, confirmed: seats, seatsLeft: 0, waitlisted: 14 }],
    });
  });

  it('when the same person sends the same registration many times at once, then one registration exists', async () => {
    const [person] = await attendees(1);
    const { id, auth } = await publishedEvent(5);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(app).post(`/api/events/${id}/registrations`).set('authorization', `Bearer ${person!.token}`).send({}),
      ),
    );
    // The first request handled creates the registration (201); every other one finds it and answers it (200).
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const event = await request(app).get(`/api/events/${id}`).set(auth).expect(200);
    expect(event.body.availability.confirmed).toBe(1);
  });

  it('when registered people, newcomers and retries with Idempotency-Keys arrive together, then each person has exactly one registration and each key replays it', async () => {
    const seats = 4;
    const [early, ...newcomers] = await attendees(7);
    const { id, auth } = await publishedEvent(seats);
    const bearer = (p: { token: string }) => ({ authorization: `Bearer ${p.token}` });
    const first = await request(app).post(`/api/events/${id}/registrations`).set(bearer(early!)).send({}).expect(201);

    const keyOf = (i: number) => `retry-key-${i}-${id.slice(-8)}`;
    const burst = await Promise.all([
      request(app).post(`/api/events/${id}/registrations`).set(bearer(early!)).send({}),
      ...newcomers.flatMap((p, i) => [
        request(app).post(`/api/events/${id}/registrations`).set(bearer(p)).set('idempotency-key', keyOf(i)).send({}),
        request(app).post(`/api/events/${id}/registrations`).set(bearer(p)).set('idempotency-key', keyOf(i)).send({}),
      ]),
    ]);
    // The one registered before answers 200 with that registration; each newcomer's two requests
    // (one key) make one registration: the first handled is 201, its retry answers it with 200.
    expect(burst[0].status).toBe(200);
    for (let i = 0; i < newcomers.length; i += 1) {
      expect([burst[1 + 2 * i]!.status, burst[2 + 2 * i]!.status].sort()).toEqual([200, 201]);
    }
    expect(burst[0].body.id).toBe(first.body.id);
    const byPerson = new Map<string, Set<string>>();
    for (const r of burst) byPerson.set(r.body.userId, (byPerson.get(r.body.userId) ?? new Set()).add(r.body.id));
    expect(byPerson.size).toBe(7);
    expect([...byPerson.values()].every((ids) => ids.size === 1)).toBe(true);

    const event = await request(app).get(`/api/events/${id}`).set(auth).expect(200);
    expect(event.body.availability).toEqual({
      capacity: seats,
      confirmed: seats,
      seatsLeft: 0,
      waitlisted: 3,
      ticketTypes: [{ id: expect.any(String), capacity: seats, confirmed: seats, seatsLeft: 0, waitlisted: 3 }],
    });
    // A later retry with the same key answers the stored registration, whatever happened since.
    for (const [i, p] of newcomers.entries()) {
      const replay = await request(app).post(`/api/events/${id}/registrations`).set(bearer(p)).set('idempotency-key', keyOf(i)).send({});
      expect(replay.status).toBe(200);
      expect([...byPerson.get(replay.body.userId)!]).toEqual([replay.body.id]);
    }
    const waitlisted = burst.filter((r) => r.body.status === 'waitlisted').map((r) => r.body.waitlistPosition as number);
    expect([...new Set(waitlisted)].sort()).toEqual([1, 2, 3]);
  });

  it('when people registered in the same transaction are listed page by page, then each appears exactly once', async () => {
    const people = await attendees(7);
    const { id, auth } = await publishedEvent(20);
    // At once: they share group commits, so several rows carry the very same created_at.
    await Promise.all(
      people.map((p) =>
        request(app).post(`/api/events/${id}/registrations`).set('authorization', `Bearer ${p.token}`).send({}).expect(201),
      ),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      // A cursor that stops advancing would page forever: fail fast instead.
      expect(++pages).toBeLessThanOrEqual(10);
      const page: request.Response = await request(app)
        .get(`/api/events/${id}/registrations`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(auth)
        .expect(200);
      seen.push(...(page.body.items as { userId: string }[]).map((r) => r.userId));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen.sort()).toEqual(people.map((p) => p.id).sort());
  });

  it('when one person sends the same Idempotency-Key to two events at once, then only their second request can be refused and nobody else in the batch is', async () => {
    const [sender, ...others] = await attendees(9);
    const a = await publishedEvent(50);
    const b = await publishedEvent(50);
    const key = `shared-key-${a.id.slice(-10)}`;
    const bearer = (p: { token: string }) => `Bearer ${p.token}`;
    const results = await Promise.all([
      request(app).post(`/api/events/${a.id}/registrations`).set('authorization', bearer(sender!)).set('idempotency-key', key).send({}),
      request(app).post(`/api/events/${b.id}/registrations`).set('authorization', bearer(sender!)).set('idempotency-key', key).send({}),
      ...others.map((p) => request(app).post(`/api/events/${b.id}/registrations`).set('authorization', bearer(p)).send({})),
    ]);
    const [toA, toB, ...rest] = results;
    expect(rest.map((r) => r.status)).toEqual(others.map(() => 201));
    // The two race, so which one owns the key is only known afterwards: the stored key says.
    const stored = await sdb.db
      .selectFrom('idempotency_keys')
      .select('scope')
      .where('user_id', '=', sender!.id)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    const [owner, other] = stored.scope === `register:${a.id}` ? [toA, toB] : [toB, toA];
    const otherEvent = owner === toA ? b.id : a.id;
    expect(stored.scope).toMatch(new RegExp(`^register:(${a.id}|${b.id})$`));
    // The owner registered with it.
    expect(owner.status).toBe(201);
    // The other is refused with 409 when the key was already stored as it arrived, and otherwise
    // stands (201) without the key: the key is never taken over, and it is never a 500. Which one
    // shows in the database: a registration of the sender for the other event exists only if 201.
    const otherRegistered = await sdb.db
      .selectFrom('registrations')
      .select('id')
      .where('event_id', '=', otherEvent)
      .where('user_id', '=', sender!.id)
      .executeTakeFirst();
    expect(other.status).toBe(otherRegistered ? 201 : 409);
    if (other.status === 409) expect(other.body.code).toBe('CONFLICT');
    // A replay to A answers the stored registration when the key is A's, and is refused when it is B's.
    const replayA = await request(app)
      .post(`/api/events/${a.id}/registrations`)
      .set('authorization', bearer(sender!))
      .set('idempotency-key', key)
      .send({});
    expect(replayA.status).toBe(owner === toA ? 200 : 409);
  });

  describe('one bad request in a rush', () => {
    const withTextQuestion = { questions: [{ id: 'q1', label: 'Team', type: 'text', required: false }] };
    const confirmedCount = async (eventId: string) =>
      Number(
        (
          await sdb.db
            .selectFrom('registrations')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('event_id', '=', eventId)
            .where('status', '<>', 'cancelled')
            .executeTakeFirstOrThrow()
        ).n,
      );

    it.each([
      // JSON escapes, exactly as an attacker would type them into the body.
      ['a NUL character', String.raw`x\u0000y`],
      ['a lone surrogate', String.raw`\ud800`],
    ])(
      'when one of 20 people registering at once sends %s, then only that request is refused (400) and every honest one is 201',
      async (_what, poison) => {
        const people = await attendees(20);
        const { id } = await publishedEvent(50, withTextQuestion);
        const bad = 7;
        const results = await Promise.all(
          people.map((p, i) =>
            request(app)
              .post(`/api/events/${id}/registrations`)
              .set('authorization', `Bearer ${p.token}`)
              .set('content-type', 'application/json')
              .send(i === bad ? `{"answers":{"q1":"${poison}"}}` : `{"answers":{"q1":"team ${i}"}}`),
          ),
        );
        expect(results[bad]!.status).toBe(400);
        expect(results[bad]!.headers['content-type']).toContain('application/problem+json');
        expect(results[bad]!.body.code).toBe('VALIDATION_FAILED');
        expect(results.filter((_, i) => i !== bad).map((r) => r.status)).toEqual(Array.from({ length: 19 }, () => 201));
        expect(await confirmedCount(id)).toBe(19);
      },
    );

    it('when a value only the database rejects gets past validation into a shared batch, then only its request fails and the others are registered', async () => {
      const people = await attendees(20);
      const { id } = await publishedEvent(10, withTextQuestion);
      // Read from the database: a GET would fill the service's cache, which this batcher does not evict.
      const { id: typeId } = await sdb.db.selectFrom('ticket_types').select('id').where('event_id', '=', id).executeTakeFirstOrThrow();
      // The seat-claiming half of registration, fed directly: no edge validation in front of it.
      const batched = createBatchedRegistration({
        db: sdb.db,
        outbox: createOutbox(sdb.schema, '/secureevent/event-service'),
        cache: await env.adapters.cache('batch-test'),
        tickets: createTicketSigner(ticketSecret),
      });
      const bad = 12;
      // One synchronous burst: all twenty share the first group commit, which the bad one fails.
      const settled = await Promise.allSettled(
        people.map((p, i) =>
          batched.submit(id, {
            userId: p.id,
            ticketTypeId: typeId,
            answers: { q1: i === bad ? 'x\u0000y' : `team ${i}` },
            idempotencyKey: undefined,
            traceparent: undefined,
          }),
        ),
      );
      const failure = settled[bad]!;
      expect(failure.status).toBe('rejected');
      expect(failure.status === 'rejected' && failure.reason instanceof AppError && failure.reason.code).toBe('VALIDATION_FAILED');
      const honest = settled.filter((_, i) => i !== bad);
      expect(honest.every((s) => s.status === 'fulfilled' && s.value.created)).toBe(true);
      const statuses = honest.map((s) => (s.status === 'fulfilled' ? s.value.registration.status : 'failed'));
      // Arrival order still decides: the first ten honest people get the ten seats.
      expect(statuses).toEqual([...Array.from({ length: 10 }, () => 'confirmed'), ...Array.from({ length: 9 }, () => 'waitlisted')]);
      expect(await confirmedCount(id)).toBe(19);
      const event = await request(app).get(`/api/events/${id}`).expect(200);
      expect(event.body.availability).toEqual({
        capacity: 10,
        confirmed: 10,
        seatsLeft: 0,
        waitlisted: 9,
        ticketTypes: [{ id: expect.any(String), capacity: 10, confirmed: 10, seatsLeft: 0, waitlisted: 9 }],
      });
    });
  });
});
