import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, responseCache, type ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as future, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

describe('registrations, tickets and check-in API', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;
  let outbox: ReturnType<typeof outboxProbe>;

  beforeAll(async () => {
    service = await startEventService({ ticketSecret: 'registrations-api-test-secret-0123456789' });
    ({ env, app, sdb } = service);
    outbox = outboxProbe(sdb);
  });
  afterAll(() => service.stop());

  const publishedEvent = (overrides: Record<string, unknown> = {}) =>
    eventFactory(service, { title: 'Workshop', timeZone: 'Europe/Berlin', capacity: 2 })(overrides);
  const outboxTypes = (subject: string) => outbox.types(subject);

  it('when required answers are missing or a question does not exist, then 400 lists the fields and nothing is registered', async () => {
    const { id } = await publishedEvent({
      questions: [{ id: 'diet', label: 'Diet', type: 'choice', required: true, options: ['none', 'vegan'] }],
    });
    const person = await env.tokenFor({ roles: ['attendee'] });
    const res = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(person))
      .send({ answers: { shoe: '42' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.answers.diet', 'body.answers.shoe']);
    const ok = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(person))
      .send({ answers: { diet: 'vegan' } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'confirmed', answers: { diet: 'vegan' } });
  });

  it('when the organizer changes the questions or cancels after registrations began, then the next registration is checked against the change at once', async () => {
    const { id, organizer } = await publishedEvent({ capacity: 10 });
    const first = await env.tokenFor({ roles: ['attendee'] });
    await request(app).post(`/api/events/${id}/registrations`).set(bearer(first)).send({}).expect(201);
    // The screening copy of the event is cached by now; the edit must replace it.
    await request(app)
      .patch(`/api/events/${id}`)
      .set(bearer(organizer))
      .send({ questions: [{ id: 'team', label: 'Team', type: 'text', required: true }] })
      .expect(200);
    const second = await env.tokenFor({ roles: ['attendee'] });
    const missing = await request(app).post(`/api/events/${id}/registrations`).set(bearer(second)).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.answers.team']);
    await request(app).post(`/api/events/${id}/cancel`).set(bearer(organizer)).expect(200);
    const late = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(second))
      .send({ answers: { team: 'Blue' } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('REGISTRATION_CLOSED');
  });

  it('when a registration is confirmed, then it, the new availability and a ticket go out together', async () => {
    const { id } = await publishedEvent();
    const person = await env.tokenFor({ roles: ['attendee'] });
    const res = await request(app).post(`/api/events/${id}/registrations`).set(bearer(person)).send({});
    expect(res.status).toBe(201);
    expect(res.body.ticketToken).toMatch(/^reg_[0-9a-z]{25}\./);
    expect(await outboxTypes(res.body.id)).toEqual(['registration.confirmed.v1', 'audit.recorded.v1']);
    expect(await outboxTypes(id)).toEqual(expect.arrayContaining(['event.published.v1', 'event.availability_changed.v1']));
    // The audit record says who registered and what the registration became (from nothing).
    expect(await outbox.audits(res.body.id)).toEqual([
      expect.objectContaining({
        action: 'registration.confirmed',
        actorId: person.id,
        outcome: 'success',
        changes: [{ field: 'status', from: null, to: 'confirmed' }],
      }),
    ]);
  });

  it('when a retried request carries the same Idempotency-Key, then the first answer is returned and nothing is created twice', async () => {
    const { id } = await publishedEvent();
    const person = await env.tokenFor({ roles: ['attendee'] });
    const first = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(person))
      .set('idempotency-key', 'retry-key-0001')
      .send({});
    const retry = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(person))
      .set('idempotency-key', 'retry-key-0001')
      .send({});
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const bad = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(person))
      .set('idempotency-key', 'no spaces!')
      .send({});
    expect(bad.status).toBe(400);
  });

  it('when a ticket is scanned twice, then the second scan is 409 with when and by whom; forged tickets are 400', async () => {
    const { id, organizer } = await publishedEvent();
    const person = await env.tokenFor({ roles: ['attendee'] });
    const reg = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(person)).send({}).expect(201)).body;

    const scan = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ ticketToken: reg.ticketToken });
    expect(scan.status).toBe(201);
    expect(scan.body).toMatchObject({ registrationId: reg.id, checkedIn: 1, checkedInBy: organizer.id });
    const again = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ ticketToken: reg.ticketToken });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_CHECKED_IN', checkedInBy: organizer.id, checkedInAt: scan.body.checkedInAt });
    // One audit record, of the scan that counted: checkedInAt from nothing to the moment.
    expect(await outbox.audits(reg.id, 'checkin.recorded')).toEqual([
      expect.objectContaining({ actorId: organizer.id, changes: [{ field: 'checkedInAt', from: null, to: scan.body.checkedInAt }] }),
    ]);

    const forged = `${reg.ticketToken.slice(0, -2)}xx`;
    const res = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ ticketToken: forged });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_TICKET');
    const other = await publishedEvent();
    const elsewhere = await request(app)
      .post(`/api/events/${other.id}/checkins`)
      .set(bearer(other.organizer))
      .send({ ticketToken: reg.ticketToken });
    expect(elsewhere.status).toBe(400);
    const stats = await request(app).get(`/api/events/${id}/checkins/stats`).set(bearer(organizer)).expect(200);
    expect(stats.body).toEqual({ checkedIn: 1, confirmed: 1 });
  });

  it('when a ticket was already scanned, then the refusal names who scanned it, by the name they go by now', async () => {
    const { id, organizer } = await publishedEvent();
    const person = await env.tokenFor({ roles: ['attendee'] });
    const reg = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(person)).send({}).expect(201)).body;
    await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ ticketToken: reg.ticketToken }).expect(201);
    const known = async () =>
      (await sdb.db.selectFrom('people').select('display_name').where('user_id', '=', organizer.id).executeTakeFirst())?.display_name;
    for (const [type, displayName] of [
      ['user.registered.v1', 'Door Keeper'],
      ['user.updated.v1', 'Head of Door'],
    ] as const) {
      const data =
        type === 'user.registered.v1'
          ? {
              userId: organizer.id,
              email: `${organizer.id}@example.test`,
              displayName,
              roles: ['organizer'],
              registeredAt: new Date().toISOString(),
            }
          : { userId: organizer.id, email: `${organizer.id}@example.test`, displayName, updatedAt: new Date().toISOString() };
      const m = createEnvelope('/secureevent/user-service', { type, data });
      await env.publishRaw(m.type, m);
      await vi.waitFor(async () => expect(await known()).toBe(displayName), { timeout: 10_000, interval: 50 });
      const again = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ ticketToken: reg.ticketToken });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ checkedInBy: organizer.id, checkedInByName: displayName });
    }
    // A late redelivery of the older profile changes nothing (a marker message on the same queue shows it was handled).
    const stale = createEnvelope('/secureevent/user-service', {
      type: 'user.registered.v1',
      data: {
        userId: organizer.id,
        email: `${organizer.id}@example.test`,
        displayName: 'Door Keeper',
        roles: ['organizer'],
        registeredAt: new Date(Date.now() - 86_400_000).toISOString(),
      },
    });
    await env.publishRaw(stale.type, stale);
    const marker = await env.tokenFor({ roles: ['attendee'] });
    const markerMessage = createEnvelope('/secureevent/user-service', {
      type: 'user.registered.v1',
      data: {
        userId: marker.id,
        email: `${marker.id}@example.test`,
        displayName: 'Marker',
        roles: ['attendee'],
        registeredAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(markerMessage.type, markerMessage);
    await vi.waitFor(
      async () =>
        expect(await sdb.db.selectFrom('people').select('user_id').where('user_id', '=', marker.id).executeTakeFirst()).toBeDefined(),
      { timeout: 10_000, interval: 50 },
    );
    expect(await known()).toBe('Head of Door');
  });

  it('when an organizer adds a co-organizer, then the colleague can manage the event and others hear who manages it, but attendees are not told', async () => {
    const { id, organizer } = await publishedEvent();
    const colleague = await env.tokenFor({ roles: ['organizer'] });
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    // Only people the event-service knows to be organizers can be added: the user-service announced the colleague.
    const announced = createEnvelope('/secureevent/user-service', {
      type: 'user.registered.v1',
      data: {
        userId: colleague.id,
        email: `${colleague.id}@example.test`,
        displayName: 'Colleague',
        roles: ['organizer'],
        registeredAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(announced.type, announced);
    await vi.waitFor(
      async () =>
        expect(await sdb.db.selectFrom('people').select('user_id').where('user_id', '=', colleague.id).executeTakeFirst()).toBeDefined(),
      { timeout: 10_000, interval: 50 },
    );
    await request(app).patch(`/api/events/${id}`).set(bearer(colleague)).send({ venue: 'Room 9' }).expect(403);
    const added = await request(app).post(`/api/events/${id}/organizers`).set(bearer(organizer)).send({ userId: colleague.id }).expect(200);
    expect(added.body.organizerIds).toEqual([organizer.id, colleague.id]);
    await request(app).patch(`/api/events/${id}`).set(bearer(colleague)).send({ venue: 'Room 9' }).expect(200);
    await request(app).post(`/api/events/${id}/organizers`).set(bearer(stranger)).send({ userId: stranger.id }).expect(403);

    const updates = (
      await sql<{ envelope: { data: { changed: string[]; organizerIds?: string[]; registeredUserIds: string[] } } }>`
        select envelope from ${sql.id(sdb.schema, 'outbox')}
         where envelope->>'subject' = ${id} and type = 'event.updated.v1' order by seq`.execute(sdb.db)
    ).rows.map((r) => r.envelope.data);
    expect(updates[0]).toMatchObject({ changed: ['organizerIds'], organizerIds: [organizer.id, colleague.id], registeredUserIds: [] });
    expect(updates[1]).toMatchObject({ changed: ['venue'], organizerIds: [organizer.id, colleague.id] });
  });

  it('when someone else uses my registration id, then they get 404 for cancel and ticket, and a non-manager gets 403 on the attendee list and check-in', async () => {
    const { id } = await publishedEvent();
    const me = await env.tokenFor({ roles: ['attendee'] });
    const stranger = await env.tokenFor({ roles: ['attendee', 'organizer'] });
    const reg = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(me)).send({}).expect(201)).body;
    expect((await request(app).delete(`/api/registrations/${reg.id}`).set(bearer(stranger))).status).toBe(404);
    expect((await request(app).get(`/api/registrations/${reg.id}/ticket.svg`).set(bearer(stranger))).status).toBe(404);
    expect((await request(app).get(`/api/events/${id}/registrations`).set(bearer(stranger))).status).toBe(403);
    expect((await request(app).get(`/api/events/${id}/registrations.csv`).set(bearer(stranger))).status).toBe(403);
    expect(
      (await request(app).post(`/api/events/${id}/checkins`).set(bearer(stranger)).send({ ticketToken: reg.ticketToken })).status,
    ).toBe(403);
    expect((await request(app).patch(`/api/events/${id}`).set(bearer(stranger)).send({ title: 'Hijacked' })).status).toBe(403);
    expect((await request(app).post(`/api/events/${id}/cancel`).set(bearer(stranger))).status).toBe(403);
    // Still mine and still confirmed.
    const mine = await request(app).get('/api/registrations/mine').set(bearer(me)).expect(200);
    expect(mine.body.items.find((r: { id: string }) => r.id === reg.id).status).toBe('confirmed');
    const svg = await request(app).get(`/api/registrations/${reg.id}/ticket.svg`).set(bearer(me));
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
  });

  it('when attendees are exported, then the CSV has a column per question and formulas are neutralised', async () => {
    const { id, organizer } = await publishedEvent({ questions: [{ id: 'company', label: 'Company', type: 'text', required: true }] });
    const person = await env.tokenFor({ roles: ['attendee'] });
    await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(person))
      .send({ answers: { company: '=HYPERLINK("http://evil.example","click")' } })
      .expect(201);
    const csv = await request(app).get(`/api/events/${id}/registrations.csv`).set(bearer(organizer));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toContain('Company');
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(lines[1]).not.toMatch(/,"?=HYPERLINK/);
  });

  it('when capacity is raised, then people are promoted from the waitlist at once; it can never drop below the confirmed count', async () => {
    const { id, organizer } = await publishedEvent({ capacity: 1 });
    const a = await env.tokenFor({ roles: ['attendee'] });
    const b = await env.tokenFor({ roles: ['attendee'] });
    await request(app).post(`/api/events/${id}/registrations`).set(bearer(a)).send({}).expect(201);
    const waiting = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(b)).send({}).expect(201)).body;
    expect(waiting.status).toBe('waitlisted');

    const tooLow = await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ capacity: 0 });
    expect(tooLow.status).toBe(400);
    const raised = await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ capacity: 2 });
    expect(raised.status).toBe(200);
    expect(raised.body.availability).toEqual({
      capacity: 2,
      confirmed: 2,
      seatsLeft: 0,
      waitlisted: 0,
      ticketTypes: [{ id: expect.any(String), capacity: 2, confirmed: 2, seatsLeft: 0, waitlisted: 0 }],
    });
    expect((await outboxTypes(waiting.id)).filter((t) => t !== 'audit.recorded.v1')).toEqual([
      'registration.waitlisted.v1',
      'registration.promoted.v1',
    ]);
    // Audited as made waitlisted by its holder, then promoted by the organizer who raised the capacity.
    expect((await outbox.audits(waiting.id)).map((a) => ({ action: a.action, actorId: a.actorId, changes: a.changes }))).toEqual([
      { action: 'registration.waitlisted', actorId: b.id, changes: [{ field: 'status', from: null, to: 'waitlisted' }] },
      { action: 'registration.promoted', actorId: organizer.id, changes: [{ field: 'status', from: 'waitlisted', to: 'confirmed' }] },
    ]);
    expect(await outbox.audits(id, 'event.updated')).toEqual([
      expect.objectContaining({ changes: [{ field: 'capacity', from: 1, to: 2 }], reason: 'capacity' }),
    ]);
  });

  it('when an event is cancelled, then every registration is released, registration closes and the registered are named in event.cancelled.v1', async () => {
    const { id, organizer } = await publishedEvent();
    const person = await env.tokenFor({ roles: ['attendee'] });
    const reg = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(person)).send({}).expect(201)).body;
    const cancelled = await request(app).post(`/api/events/${id}/cancel`).set(bearer(organizer));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const mine = await request(app).get('/api/registrations/mine').set(bearer(person)).expect(200);
    expect(mine.body.items.find((r: { id: string }) => r.id === reg.id).status).toBe('cancelled');
    const late = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set(bearer(env.tokenFor ? await env.tokenFor({ roles: ['attendee'] }) : person))
      .send({});
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('REGISTRATION_CLOSED');
    const { rows } = await sql<{ data: { registeredUserIds: string[] } }>`
      select envelope->'data' as data from ${sql.id(sdb.schema, 'outbox')} where type = 'event.cancelled.v1' and envelope->>'subject' = ${id}`.execute(
      sdb.db,
    );
    expect(rows[0]?.data.registeredUserIds).toEqual([person.id]);
    expect(await outbox.audits(id, 'event.cancelled')).toEqual([
      expect.objectContaining({ actorId: organizer.id, changes: [{ field: 'status', from: 'published', to: 'cancelled' }] }),
    ]);
    // The released registration is audited too, as cancelled by the organizer.
    expect(await outbox.audits(reg.id, 'registration.cancelled')).toEqual([
      expect.objectContaining({ actorId: organizer.id, changes: [{ field: 'status', from: 'confirmed', to: 'cancelled' }] }),
    ]);
  });

  it('when a private event is opened without its invitation link, then it does not exist; with the link, people can see it and register', async () => {
    const { id, organizer } = await publishedEvent({ visibility: 'private' });
    const person = await env.tokenFor({ roles: ['attendee'] });
    expect((await request(app).get(`/api/events/${id}`).set(bearer(person))).status).toBe(404);
    expect((await request(app).post(`/api/events/${id}/registrations`).set(bearer(person)).send({})).status).toBe(404);
    const wrong = 'A'.repeat(22);
    expect((await request(app).get(`/api/events/${id}`).query({ invite: wrong }).set(bearer(person))).status).toBe(404);

    const managed = await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200);
    const invite = new URL(managed.body.inviteUrl as string, 'http://x').searchParams.get('invite')!;
    const seen = await request(app).get(`/api/events/${id}`).query({ invite }).set(bearer(person));
    expect(seen.status).toBe(200);
    expect(seen.body.inviteUrl).toBeUndefined();
    expect((await request(app).get(`/api/events/${id}`).query({ invite })).status).toBe(404);
    const reg = await request(app).post(`/api/events/${id}/registrations`).query({ invite }).set(bearer(person)).send({});
    expect(reg.status).toBe(201);
  });

  it('when I ask for my registration for an event, then I get mine as /mine shows it, never another person’s, and 404 when I have none', async () => {
    const { id } = await publishedEvent({ capacity: 5 });
    const me = await env.tokenFor({ roles: ['attendee'] });
    const other = await env.tokenFor({ roles: ['attendee'] });
    const nobody = await env.tokenFor({ roles: ['attendee', 'organizer'] });
    const theirs = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(other)).send({}).expect(201)).body;
    const none = await request(app).get(`/api/events/${id}/registration`).set(bearer(me));
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('NOT_FOUND');
    expect((await request(app).get(`/api/events/${id}/registration`).set(bearer(nobody))).status).toBe(404);
    expect((await request(app).get(`/api/events/${id}/registration`)).status).toBe(401);

    const mine = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(me)).send({}).expect(201)).body;
    const one = await request(app).get(`/api/events/${id}/registration`).set(bearer(me)).expect(200);
    const listed = (await request(app).get('/api/registrations/mine').set(bearer(me)).expect(200)).body.items;
    expect(one.body).toEqual(listed.find((r: { id: string }) => r.id === mine.id));
    expect(one.body).toMatchObject({
      id: mine.id,
      userId: me.id,
      status: 'confirmed',
      eventTitle: 'Workshop',
      ticketToken: mine.ticketToken,
    });
    const theirsSeen = await request(app).get(`/api/events/${id}/registration`).set(bearer(other)).expect(200);
    expect(theirsSeen.body.id).toBe(theirs.id);

    // Cancelled: that one is answered; registered again: the live one, not the old one.
    await request(app).delete(`/api/registrations/${mine.id}`).set(bearer(me)).expect(200);
    expect(await outbox.audits(mine.id, 'registration.cancelled')).toEqual([
      expect.objectContaining({ actorId: me.id, changes: [{ field: 'status', from: 'confirmed', to: 'cancelled' }] }),
    ]);
    expect((await request(app).get(`/api/events/${id}/registration`).set(bearer(me)).expect(200)).body).toMatchObject({
      id: mine.id,
      status: 'cancelled',
    });
    const again = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(me)).send({}).expect(201)).body;
    expect((await request(app).get(`/api/events/${id}/registration`).set(bearer(me)).expect(200)).body).toMatchObject({
      id: again.id,
      status: 'confirmed',
    });
    const elsewhere = await publishedEvent();
    expect((await request(app).get(`/api/events/${elsewhere.id}/registration`).set(bearer(me))).status).toBe(404);
  });

  it('when an organizer opens their dashboard, then their drafts and published events are listed, and nobody else’s', async () => {
    const { id, organizer } = await publishedEvent();
    const draft = await request(app)
      .post('/api/events')
      .set(bearer(organizer))
      .send({ title: 'Draft plan', startsAt: future(9), endsAt: future(9.1), timeZone: 'UTC', venue: 'TBD', capacity: 5 })
      .expect(201);
    const other = await publishedEvent();
    const mine = await request(app).get('/api/events/mine').set(bearer(organizer)).expect(200);
    const ids = mine.body.items.map((e: { id: string }) => e.id);
    expect(ids).toEqual(expect.arrayContaining([id, draft.body.id]));
    expect(ids).not.toContain(other.id);
  });

  it('when a public event was read (and cached), then a registration shows up in the next read at once', async () => {
    const { id } = await publishedEvent({ capacity: 3 });
    const before = await request(app).get(`/api/events/${id}`).expect(200);
    expect(before.body.availability.seatsLeft).toBe(3);
    const person = await env.tokenFor({ roles: ['attendee'] });
    await request(app).post(`/api/events/${id}/registrations`).set(bearer(person)).send({}).expect(201);
    const after = await request(app).get(`/api/events/${id}`).expect(200);
    expect(after.body.availability).toEqual({
      capacity: 3,
      confirmed: 1,
      seatsLeft: 2,
      waitlisted: 0,
      ticketTypes: [{ id: expect.any(String), capacity: 3, confirmed: 1, seatsLeft: 2, waitlisted: 0 }],
    });
  });

  it('when anonymous visitors read a public event again, then the whole answer comes from the response cache until the event changes', async () => {
    const { id, organizer } = await publishedEvent({ capacity: 5 });
    const url = `/api/events/${id}`;
    const first = await request(app).get(url).expect(200);
    expect(responseCache.get(url)).toBeDefined();

    const again = await request(app).get(url).expect(200);
    expect(again.body).toEqual(first.body);
    // The same answer and security headers, but every request keeps its own id.
    for (const header of ['content-type', 'content-security-policy', 'x-content-type-options', 'strict-transport-security', 'etag'])
      expect(again.headers[header]).toBe(first.headers[header]);
    expect(again.headers['x-request-id']).toBeDefined();
    expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    await request(app).get(url).set('if-none-match', first.headers.etag!).expect(304);

    // A change drops it at once: the next reader sees the new title.
    await request(app).patch(url).set(bearer(organizer)).send({ title: 'Workshop (moved)' }).expect(200);
    expect(responseCache.get(url)).toBeUndefined();
    expect((await request(app).get(url).expect(200)).body.title).toBe('Workshop (moved)');
  });

  it('when a signed-in person reads an event, or it is not public, then the answer is never shared through the response cache', async () => {
    const { id, organizer } = await publishedEvent({ visibility: 'internal' });
    const reader = await env.tokenFor({ roles: ['attendee'] });
    await request(app).get(`/api/events/${id}`).set(bearer(reader)).expect(200);
    expect(responseCache.get(`/api/events/${id}`)).toBeUndefined();
    await request(app).get(`/api/events/${id}`).expect(404);
    const pub = await publishedEvent();
    await request(app).get(`/api/events/${pub.id}`).set(bearer(organizer)).expect(200);
    expect(responseCache.get(`/api/events/${pub.id}`)).toBeUndefined();
    // And a signed-in reader never gets a cached answer (theirs may differ, e.g. the invitation link).
    await request(app).get(`/api/events/${pub.id}`).expect(200);
    expect(responseCache.get(`/api/events/${pub.id}`)).toBeDefined();
    const signedIn = await request(app).get(`/api/events/${pub.id}`).set(bearer(organizer)).expect(200);
    expect(signedIn.body.id).toBe(pub.id);
  });
});
