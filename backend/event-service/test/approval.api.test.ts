import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as future, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

/** Approval mode (issue 14): pending registrations, approve/reject one or many, over PostgreSQL in CI and PGlite embedded. */
describe('approval mode API', () => {
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

  const anEvent = (overrides: Record<string, unknown> = {}, options: { publish?: boolean } = {}) =>
    eventFactory(service, {
      title: 'Board dinner',
      startsAt: future(9),
      endsAt: future(9.2),
      venue: 'Hall A',
      registrationMode: 'approval',
    })(overrides, options);
  const attendee = () => env.tokenFor({ roles: ['attendee'] });
  const register = (eventId: string, who: { token: string }, body: Record<string, unknown> = {}) =>
    request(app).post(`/api/events/${eventId}/registrations`).set(bearer(who)).send(body);
  const read = async (eventId: string, who: { token: string }) =>
    (await request(app).get(`/api/events/${eventId}`).set(bearer(who)).expect(200)).body;
  const approve = (id: string, who: { token: string }) => request(app).post(`/api/registrations/${id}/approve`).set(bearer(who)).send();
  const reject = (id: string, who: { token: string }, body: Record<string, unknown> = {}) =>
    request(app).post(`/api/registrations/${id}/reject`).set(bearer(who)).send(body);
  const row = (id: string) => sdb.db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('when an event is created without a mode, then it is open; PATCH switches it to approval and back', async () => {
    const { id, organizer } = await eventFactory(service)({}, { publish: false });
    expect((await read(id, organizer)).registrationMode).toBe('open');
    await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ registrationMode: 'approval' }).expect(200);
    expect((await read(id, organizer)).registrationMode).toBe('approval');
    const bad = await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ registrationMode: 'lottery' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('body.registrationMode');
  });

  it('when someone registers for an approval event, then the registration is pending, holds no seat, and the organizers are told', async () => {
    const { id, organizer } = await anEvent({ capacity: 2 });
    const person = await attendee();
    const res = await register(id, person).expect(201);
    expect(res.body).toMatchObject({ status: 'pending', eventId: id });
    expect(res.body.ticketToken).toBeUndefined();
    expect((await read(id, organizer)).availability).toMatchObject({ confirmed: 0, seatsLeft: 2, waitlisted: 0 });
    const [pending] = await outbox.data('registration.pending.v1', res.body.id);
    expect(pending).toMatchObject({ userId: person.id, status: 'pending', organizerIds: [organizer.id] });
    expect(await outbox.audits(res.body.id, 'registration.pending')).toHaveLength(1);
    // Registering again answers the same pending registration.
    expect((await register(id, person).expect(200)).body.id).toBe(res.body.id);
    const mine = (await request(app).get(`/api/events/${id}/registration`).set(bearer(person)).expect(200)).body;
    expect(mine).toMatchObject({ id: res.body.id, status: 'pending' });
  });

  it('when an organizer approves, then the seat claim runs: confirmed while seats last, then waitlisted; the attendee is told and it is audited', async () => {
    const { id, organizer } = await anEvent({ capacity: 1 });
    const [a, b] = await Promise.all([attendee(), attendee()]);
    const ra = (await register(id, a).expect(201)).body;
    const rb = (await register(id, b).expect(201)).body;
    const first = (await approve(ra.id, organizer).expect(200)).body;
    expect(first).toMatchObject({ id: ra.id, status: 'confirmed' });
    const second = (await approve(rb.id, organizer).expect(200)).body;
    expect(second).toMatchObject({ id: rb.id, status: 'waitlisted', waitlistPosition: 1 });
    expect((await read(id, organizer)).availability).toMatchObject({ confirmed: 1, seatsLeft: 0, waitlisted: 1 });
    expect(await outbox.types(ra.id)).toContain('registration.confirmed.v1');
    expect(await outbox.types(rb.id)).toContain('registration.waitlisted.v1');
    const [audit] = await outbox.audits(ra.id, 'registration.approved');
    expect(audit).toMatchObject({ actorId: organizer.id, changes: [{ field: 'status', from: 'pending', to: 'confirmed' }] });
    expect((await outbox.types(id)).filter((t) => t === 'event.availability_changed.v1').length).toBeGreaterThanOrEqual(2);
    // The attendee now holds a ticket.
    const mine = (await request(app).get(`/api/events/${id}/registration`).set(bearer(a)).expect(200)).body;
    expect(mine.ticketToken).toEqual(expect.any(String));
    // b's place is promoted when a cancels.
    await request(app).delete(`/api/registrations/${ra.id}`).set(bearer(a)).expect(200);
    expect((await row(rb.id)).status).toBe('confirmed');
  });

  it('when an organizer rejects with a reason, then the registration is rejected, the attendee is told why, and they may ask again', async () => {
    const { id, organizer } = await anEvent();
    const person = await attendee();
    const reg = (await register(id, person).expect(201)).body;
    const res = (await reject(reg.id, organizer, { reason: 'Members only' }).expect(200)).body;
    expect(res).toMatchObject({ status: 'rejected', rejectionReason: 'Members only' });
    const [msg] = await outbox.data('registration.rejected.v1', reg.id);
    expect(msg).toMatchObject({ userId: person.id, status: 'rejected', reason: 'Members only' });
    expect(await outbox.audits(reg.id, 'registration.rejected')).toHaveLength(1);
    const mine = (await request(app).get(`/api/events/${id}/registration`).set(bearer(person)).expect(200)).body;
    expect(mine).toMatchObject({ status: 'rejected', rejectionReason: 'Members only' });
    const again = (await register(id, person).expect(201)).body;
    expect(again.id).not.toBe(reg.id);
    expect(again.status).toBe('pending');
  });

  it('when a registration is not pending (confirmed, rejected or cancelled), then approve and reject are 409 problem+json and nothing changes', async () => {
    const { id, organizer } = await anEvent();
    const [a, b, c] = await Promise.all([attendee(), attendee(), attendee()]);
    const ra = (await register(id, a).expect(201)).body;
    const rb = (await register(id, b).expect(201)).body;
    const rc = (await register(id, c).expect(201)).body;
    await approve(ra.id, organizer).expect(200);
    await reject(rb.id, organizer).expect(200);
    await request(app).delete(`/api/registrations/${rc.id}`).set(bearer(c)).expect(200);
    const before = await read(id, organizer);
    for (const [reg, status] of [
      [ra, 'confirmed'],
      [rb, 'rejected'],
      [rc, 'cancelled'],
    ] as const) {
      for (const act of [approve(reg.id, organizer), reject(reg.id, organizer)]) {
        const res = await act.expect(409).expect('content-type', /application\/problem\+json/);
        expect(res.body.code).toBe('INVALID_STATE_TRANSITION');
      }
      expect((await row(reg.id)).status).toBe(status);
    }
    expect((await read(id, organizer)).availability).toEqual(before.availability);
  });

  it('when someone who does not manage the event approves or rejects, then 404 and nothing changes; an admin may', async () => {
    const { id } = await anEvent();
    const person = await attendee();
    const reg = (await register(id, person).expect(201)).body;
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    await approve(reg.id, person).expect(404);
    await approve(reg.id, stranger).expect(404);
    await reject(reg.id, stranger).expect(404);
    await request(app)
      .post(`/api/events/${id}/registrations/approve`)
      .set(bearer(stranger))
      .send({ ids: [reg.id] })
      .expect(403);
    expect((await row(reg.id)).status).toBe('pending');
    const admin = await env.tokenFor({ roles: ['admin'] });
    expect((await approve(reg.id, admin).expect(200)).body.status).toBe('confirmed');
  });

  it('when an organizer approves in bulk, then each id gets its own result in order: seats first come first served in the order given, wrong ones refused', async () => {
    const { id, organizer } = await anEvent({ capacity: 2 });
    const people = await Promise.all(Array.from({ length: 4 }, attendee));
    const regs = [];
    for (const p of people) regs.push((await register(id, p).expect(201)).body);
    await reject(regs[3]!.id, organizer).expect(200);
    const other = await anEvent();
    const outsider = (await register(other.id, await attendee()).expect(201)).body;
    const ids = [regs[2]!.id, regs[0]!.id, regs[1]!.id, regs[3]!.id, outsider.id];
    const res = (await request(app).post(`/api/events/${id}/registrations/approve`).set(bearer(organizer)).send({ ids }).expect(200)).body;
    expect(
      res.results.map((r: { id: string; ok: boolean; registration?: { status: string }; error?: { code: string } }) => [
        r.id,
        r.ok,
        r.registration?.status ?? r.error?.code,
      ]),
    ).toEqual([
      [regs[2]!.id, true, 'confirmed'],
      [regs[0]!.id, true, 'confirmed'],
      [regs[1]!.id, true, 'waitlisted'],
      [regs[3]!.id, false, 'INVALID_STATE_TRANSITION'],
      [outsider.id, false, 'NOT_FOUND'],
    ]);
    expect((await row(outsider.id)).status).toBe('pending');
    expect((await read(id, organizer)).availability).toMatchObject({ confirmed: 2, waitlisted: 1 });
  });

  it('when an organizer rejects in bulk with a reason, then every pending one is rejected and told why', async () => {
    const { id, organizer } = await anEvent();
    const people = await Promise.all(Array.from({ length: 3 }, attendee));
    const regs = [];
    for (const p of people) regs.push((await register(id, p).expect(201)).body);
    const res = (
      await request(app)
        .post(`/api/events/${id}/registrations/reject`)
        .set(bearer(organizer))
        .send({ ids: regs.map((r) => r.id), reason: 'Fully booked by invitation' })
        .expect(200)
    ).body;
    expect(res.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    for (const r of regs) {
      expect((await row(r.id)).status).toBe('rejected');
      expect((await outbox.data('registration.rejected.v1', r.id))[0]).toMatchObject({ reason: 'Fully booked by invitation' });
    }
  });

  it('when a bulk request is malformed (no ids, more than 500, duplicates, a bad id), then 400 and nothing changes', async () => {
    const { id, organizer } = await anEvent();
    const reg = (await register(id, await attendee()).expect(201)).body;
    const many = Array.from({ length: 501 }, (_, i) => `reg_${String(i).padStart(25, '0')}`);
    for (const ids of [[], many, [reg.id, reg.id], ['reg_nope']]) {
      const res = await request(app).post(`/api/events/${id}/registrations/approve`).set(bearer(organizer)).send({ ids }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await row(reg.id)).status).toBe('pending');
  });

  it('when an event is cancelled, then its pending registrations are released too', async () => {
    const { id, organizer } = await anEvent();
    const reg = (await register(id, await attendee()).expect(201)).body;
    await request(app).post(`/api/events/${id}/cancel`).set(bearer(organizer)).expect(200);
    expect((await row(reg.id)).status).toBe('cancelled');
  });

  it('when the attendee cancels a pending registration, then it is cancelled and no counter moves', async () => {
    const { id, organizer } = await anEvent();
    const person = await attendee();
    const reg = (await register(id, person).expect(201)).body;
    await request(app).delete(`/api/registrations/${reg.id}`).set(bearer(person)).expect(200);
    expect((await row(reg.id)).status).toBe('cancelled');
    expect((await read(id, organizer)).availability).toMatchObject({ confirmed: 0, waitlisted: 0 });
    await approve(reg.id, organizer).expect(409);
  });

  it('when the overall limit is cleared with capacity null, then only the quotas remain and the waiting are let in', async () => {
    const { id, organizer } = await eventFactory(service)({
      capacity: 1,
      ticketTypes: [
        { name: 'A', capacity: 2 },
        { name: 'B', capacity: 2 },
      ],
    });
    const [a, b] = await Promise.all([attendee(), attendee()]);
    const typeA = (await read(id, organizer)).ticketTypes[0].id;
    await register(id, a, { ticketTypeId: typeA }).expect(201);
    const waiting = (await register(id, b, { ticketTypeId: typeA }).expect(201)).body;
    expect(waiting.status).toBe('waitlisted');
    const res = (await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ capacity: null }).expect(200)).body;
    expect(res).toMatchObject({ overallCapacity: null, capacity: 4 });
    expect((await row(waiting.id)).status).toBe('confirmed');
  });
});
