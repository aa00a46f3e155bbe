import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as future, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

/** Ticket types with quotas (issue 14): the API over real PostgreSQL in CI and PGlite embedded. */
describe('ticket types API', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;
  let outbox: ReturnType<typeof outboxProbe>;

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app, sdb } = service);
    outbox = outboxProbe(sdb);
  });
  afterAll(() => service.stop());

  const type = (name: string, capacity: number, extra: Record<string, unknown> = {}) => ({ name, capacity, ...extra });
  const anEvent = (overrides: Record<string, unknown> = {}, options: { publish?: boolean } = {}) =>
    eventFactory(service, { title: 'Summit', startsAt: future(9), endsAt: future(9.2), venue: 'Hall A' })(overrides, options);
  const attendee = () => env.tokenFor({ roles: ['attendee'] });
  const register = (eventId: string, who: { token: string }, body: Record<string, unknown> = {}) =>
    request(app).post(`/api/events/${eventId}/registrations`).set(bearer(who)).send(body);
  const read = async (eventId: string, who: { token: string }) =>
    (await request(app).get(`/api/events/${eventId}`).set(bearer(who)).expect(200)).body;
  const registrationCount = async (eventId: string) =>
    Number(
      (
        await sdb.db
          .selectFrom('registrations')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('event_id', '=', eventId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('when an event is created with a capacity only, then it offers one "General admission" type of that size and registering needs no type', async () => {
    const { id } = await anEvent({ capacity: 3 });
    const person = await attendee();
    const event = await read(id, person);
    expect(event.ticketTypes).toEqual([
      expect.objectContaining({ name: 'General admission', capacity: 3, hidden: false, accessCodeRequired: false, salesStart: null }),
    ]);
    expect(event).toMatchObject({ capacity: 3, overallCapacity: null });
    const res = await register(id, person).expect(201);
    expect(res.body).toMatchObject({ status: 'confirmed', ticketTypeId: event.ticketTypes[0].id });
    expect((await read(id, person)).availability).toEqual({
      capacity: 3,
      confirmed: 1,
      seatsLeft: 2,
      waitlisted: 0,
      ticketTypes: [{ id: event.ticketTypes[0].id, capacity: 3, confirmed: 1, seatsLeft: 2, waitlisted: 0 }],
    });
  });

  it('when an event has two types and an overall capacity, then each registration takes a seat of its type only while both limits allow, and waits in its type’s own queue', async () => {
    const { id, organizer } = await anEvent({ capacity: 3, ticketTypes: [type('Standard', 2), type('Student', 2)] });
    const event = await read(id, organizer);
    expect(event).toMatchObject({ capacity: 3, overallCapacity: 3 });
    const [standard, student] = event.ticketTypes.map((t: { id: string }) => t.id) as [string, string];
    const people = await Promise.all(Array.from({ length: 5 }, attendee));

    const outcomes = [];
    for (const [who, typeId] of [
      [people[0]!, standard],
      [people[1]!, standard],
      [people[2]!, standard], // Standard is full: first in its queue
      [people[3]!, student], // the last seat overall
      [people[4]!, student], // Student has room but the event has none: first in Student's queue
    ] as const)
      outcomes.push((await register(id, who, { ticketTypeId: typeId }).expect(201)).body);
    expect(outcomes.map((r) => [r.status, r.waitlistPosition])).toEqual([
      ['confirmed', undefined],
      ['confirmed', undefined],
      ['waitlisted', 1],
      ['confirmed', undefined],
      ['waitlisted', 1],
    ]);
    const after = await read(id, organizer);
    expect(after.availability).toEqual({
      capacity: 3,
      confirmed: 3,
      seatsLeft: 0,
      waitlisted: 2,
      ticketTypes: [
        { id: standard, capacity: 2, confirmed: 2, seatsLeft: 0, waitlisted: 1 },
        { id: student, capacity: 2, confirmed: 1, seatsLeft: 0, waitlisted: 1 },
      ],
    });
    // The last availability push carries the same per-type counts.
    const pushes = await outbox.data('event.availability_changed.v1', id);
    expect(pushes.at(-1)).toMatchObject({
      confirmed: 3,
      ticketTypes: [
        { id: standard, confirmed: 2, waitlisted: 1, hidden: false },
        { id: student, confirmed: 1, waitlisted: 1, hidden: false },
      ],
    });

    // A Standard seat frees: the event has one again, and Standard's head goes in (not Student's, whose type was never full).
    await request(app).delete(`/api/registrations/${outcomes[0].id}`).set(bearer(people[0]!)).expect(200);
    const mine = async (who: { token: string }) =>
      (await request(app).get(`/api/events/${id}/registration`).set(bearer(who)).expect(200)).body;
    expect((await mine(people[2]!)).status).toBe('confirmed');
    expect((await mine(people[4]!)).status).toBe('waitlisted');

    // The organizer raises the overall capacity: Student's head goes in, within Student's quota.
    await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ capacity: 4 }).expect(200);
    expect((await mine(people[4]!)).status).toBe('confirmed');
    expect((await read(id, organizer)).availability).toMatchObject({ capacity: 4, confirmed: 4, waitlisted: 0 });
    expect(await outbox.types(outcomes[4].id)).toContain('registration.promoted.v1');
  });

  it('when an event has several types, then registering without one, or with another event’s type, is 400 on body.ticketTypeId and registers nobody', async () => {
    const { id } = await anEvent({ ticketTypes: [type('Day 1', 5), type('Day 2', 5)] });
    const { id: other } = await anEvent({ capacity: 5 });
    const person = await attendee();
    const foreignType = (await read(other, person)).ticketTypes[0].id;
    for (const body of [{}, { ticketTypeId: foreignType }]) {
      const res = await register(id, person, body).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.ticketTypeId']);
    }
    expect(await registrationCount(id)).toBe(0);
  });

  it('when a type is hidden, then attendees do not see it, its managers do, and registering for it without a code is 403 and changes nothing', async () => {
    const { id, organizer } = await anEvent({ ticketTypes: [type('Attendee', 5), type('Speaker', 2, { hidden: true })] });
    const person = await attendee();
    const seen = await read(id, person);
    expect(seen.ticketTypes.map((t: { name: string }) => t.name)).toEqual(['Attendee']);
    expect(seen.availability.ticketTypes).toHaveLength(1);
    const anonymous = await request(app).get(`/api/events/${id}`).expect(200);
    expect(anonymous.body.ticketTypes.map((t: { name: string }) => t.name)).toEqual(['Attendee']);
    const listed = await request(app).get('/api/events').query({ q: 'Summit', limit: 100 }).expect(200);
    expect(listed.body.items.find((e: { id: string }) => e.id === id).ticketTypes).toHaveLength(1);
    const managed = await read(id, organizer);
    const speaker = managed.ticketTypes.find((t: { name: string }) => t.name === 'Speaker');
    expect(speaker).toMatchObject({ hidden: true, capacity: 2 });

    const res = await register(id, person, { ticketTypeId: speaker.id }).expect(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.accessCode']);
    expect(await registrationCount(id)).toBe(0);
    // With one visible type, naming none picks it (not the hidden one).
    expect((await register(id, person).expect(201)).body.ticketTypeId).toBe(seen.ticketTypes[0].id);
  });

  it('when a type is not on sale yet, then registering for it is 409 REGISTRATION_CLOSED', async () => {
    const { id } = await anEvent({ ticketTypes: [type('Late', 5, { salesStart: future(1) })] });
    const res = await register(id, await attendee()).expect(409);
    expect(res.body.code).toBe('REGISTRATION_CLOSED');
  });

  it('when an organizer sets a type’s capacity below its confirmed count, then 400 names that type and nothing changes; down to it is allowed', async () => {
    const { id, organizer } = await anEvent({ ticketTypes: [type('Standard', 4), type('VIP', 3)] });
    const event = await read(id, organizer);
    const [standard, vip] = event.ticketTypes;
    for (let i = 0; i < 2; i += 1) await register(id, await attendee(), { ticketTypeId: vip.id }).expect(201);

    const res = await request(app)
      .patch(`/api/events/${id}`)
      .set(bearer(organizer))
      .send({ ticketTypes: [standard, { ...vip, capacity: 1 }] })
      .expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.ticketTypes.1.capacity']);
    const unchanged = await read(id, organizer);
    expect(unchanged.ticketTypes).toEqual(event.ticketTypes);
    expect(unchanged.capacity).toBe(7);

    const ok = await request(app)
      .patch(`/api/events/${id}`)
      .set(bearer(organizer))
      .send({
        ticketTypes: [
          { ...standard, name: 'Regular' },
          { ...vip, capacity: 2 },
          { name: 'Crew', capacity: 5 },
        ],
      })
      .expect(200);
    expect(ok.body.ticketTypes.map((t: { name: string; capacity: number }) => [t.name, t.capacity])).toEqual([
      ['Regular', 4],
      ['VIP', 2],
      ['Crew', 5],
    ]);
    // The factory's capacity of 10 is the overall limit: the enforced total is the smaller of it and 4 + 2 + 5.
    expect(ok.body).toMatchObject({ capacity: 10, overallCapacity: 10 });
    const audit = await outbox.audits(id, 'event.updated');
    expect(audit.at(-1)).toMatchObject({ reason: 'ticketTypes' });
  });

  it('when an organizer removes a type people are registered for, then 409 and nothing changes; an empty type can be removed', async () => {
    const { id, organizer } = await anEvent({ ticketTypes: [type('Morning', 4), type('Afternoon', 4), type('Evening', 4)] });
    const [morning, afternoon, evening] = (await read(id, organizer)).ticketTypes;
    await register(id, await attendee(), { ticketTypeId: afternoon.id }).expect(201);
    const res = await request(app)
      .patch(`/api/events/${id}`)
      .set(bearer(organizer))
      .send({ ticketTypes: [morning, evening] })
      .expect(409);
    expect(res.body.code).toBe('CONFLICT');
    expect((await read(id, organizer)).ticketTypes).toHaveLength(3);
    const ok = await request(app)
      .patch(`/api/events/${id}`)
      .set(bearer(organizer))
      .send({ ticketTypes: [morning, afternoon] })
      .expect(200);
    expect(ok.body.ticketTypes.map((t: { name: string }) => t.name)).toEqual(['Morning', 'Afternoon']);
  });

  it('when an organizer removes a type whose only registration was cancelled, then 409 names it and nothing changes (the registration keeps its type)', async () => {
    const { id, organizer } = await anEvent({ ticketTypes: [type('Morning', 4), type('Afternoon', 4)] });
    const [morning, afternoon] = (await read(id, organizer)).ticketTypes;
    const person = await attendee();
    const registration = await register(id, person, { ticketTypeId: afternoon.id }).expect(201);
    await request(app).delete(`/api/registrations/${registration.body.id}`).set(bearer(person)).expect(200);
    expect((await read(id, organizer)).availability.ticketTypes[1]).toMatchObject({ confirmed: 0, waitlisted: 0 });

    const res = await request(app)
      .patch(`/api/events/${id}`)
      .set(bearer(organizer))
      .send({ ticketTypes: [morning] })
      .expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('Afternoon') });
    expect((await read(id, organizer)).ticketTypes.map((t: { name: string }) => t.name)).toEqual(['Morning', 'Afternoon']);
  });

  it('when a type’s quota is raised, then its own waitlist is promoted in order, and the capacity of a one-type event still resizes it', async () => {
    const { id, organizer } = await anEvent({ capacity: 1 });
    const people = await Promise.all(Array.from({ length: 3 }, attendee));
    const regs = [];
    for (const p of people) regs.push((await register(id, p).expect(201)).body);
    expect(regs.map((r) => r.status)).toEqual(['confirmed', 'waitlisted', 'waitlisted']);
    const raised = await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ capacity: 2 }).expect(200);
    expect(raised.body).toMatchObject({ capacity: 2, overallCapacity: null });
    expect(raised.body.ticketTypes[0].capacity).toBe(2);
    const second = await request(app).get(`/api/events/${id}/registration`).set(bearer(people[1]!)).expect(200);
    const third = await request(app).get(`/api/events/${id}/registration`).set(bearer(people[2]!)).expect(200);
    expect([second.body.status, third.body.status, third.body.waitlistPosition]).toEqual(['confirmed', 'waitlisted', 1]);
  });

  it('when a new event gives neither a capacity nor ticket types, or ids for new types, then 400 and nothing is created', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    const base = { title: 'No size', startsAt: future(3), endsAt: future(3.1), timeZone: 'UTC', venue: 'Room' };
    const none = await request(app).post('/api/events').set(bearer(organizer)).send(base).expect(400);
    expect(none.body.errors.map((e: { field: string }) => e.field)).toContain('body.capacity');
    const withId = await request(app)
      .post('/api/events')
      .set(bearer(organizer))
      .send({ ...base, ticketTypes: [{ id: 'tkt_0123456789abcdefghijklmno', name: 'X', capacity: 2 }] })
      .expect(400);
    expect(withId.body.code).toBe('VALIDATION_FAILED');
    const mine = await request(app).get('/api/events/mine').set(bearer(organizer)).expect(200);
    expect(mine.body.items).toHaveLength(0);
  });
});
