import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { eventService } from '../src/service.js';

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * Oversold events are the classic event-system bug. These tests fire many requests at once and
 * check the database's verdict: against PostgreSQL in CI (real concurrency through a pool), and
 * against PGlite in embedded mode.
 */
describe('registration under concurrency', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, eventService({ ticketSecret: 'concurrency-test-ticket-secret-0123456789' }));
    app = started.app;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  async function publishedEvent(capacity: number) {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    const auth = { authorization: `Bearer ${organizer.token}` };
    const created = await request(app)
      .post('/api/events')
      .set(auth)
      .send({ title: 'Rush hour', startsAt: future(5), endsAt: future(5.1), timeZone: 'UTC', venue: 'Hall', capacity })
      .expect(201);
    await request(app).post(`/api/events/${created.body.id}/publish`).set(auth).expect(200);
    return { id: created.body.id as string, auth };
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
    expect(event.body.availability).toEqual({ capacity: seats, confirmed: seats, seatsLeft: 0, waitlisted: 50 });
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
    expect(event.body.availability).toEqual({ capacity: seats, confirmed: seats, seatsLeft: 0, waitlisted: 14 });
  });

  it('when the same person sends the same registration many times at once, then one registration exists', async () => {
    const [person] = await attendees(1);
    const { id, auth } = await publishedEvent(5);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(app).post(`/api/events/${id}/registrations`).set('authorization', `Bearer ${person!.token}`).send({}),
      ),
    );
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
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
    expect(burst.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(burst[0].body.id).toBe(first.body.id);
    const byPerson = new Map<string, Set<string>>();
    for (const r of burst) byPerson.set(r.body.userId, (byPerson.get(r.body.userId) ?? new Set()).add(r.body.id));
    expect(byPerson.size).toBe(7);
    expect([...byPerson.values()].every((ids) => ids.size === 1)).toBe(true);

    const event = await request(app).get(`/api/events/${id}`).set(auth).expect(200);
    expect(event.body.availability).toEqual({ capacity: seats, confirmed: seats, seatsLeft: 0, waitlisted: 3 });
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
    expect(toA.status).toBe(201);
    // The key belongs to one request; the other is refused with 409 or stands without the key — never a 500.
    expect([201, 409]).toContain(toB.status);
    const replayA = await request(app)
      .post(`/api/events/${a.id}/registrations`)
      .set('authorization', bearer(sender!))
      .set('idempotency-key', key)
      .send({});
    expect([200, 409]).toContain(replayA.status);
  });
});
