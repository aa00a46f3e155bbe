import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as future, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

/** Access codes (issue 14): hidden and code-only ticket types open with a code, counted in the seat claim. */
describe('access codes API', () => {
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

  const attendee = () => env.tokenFor({ roles: ['attendee'] });
  /** A published event with a visible type, a hidden one and a code-only one. */
  async function anEvent() {
    const { id, organizer } = await eventFactory(service, { title: 'Summit', startsAt: future(9), endsAt: future(9.2), venue: 'Hall A' })({
      ticketTypes: [
        { name: 'Standard', capacity: 10 },
        { name: 'Speaker', capacity: 5, hidden: true },
        { name: 'Team', capacity: 5, accessCodeRequired: true },
      ],
    });
    const event = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body;
    const [standard, speaker, team] = event.ticketTypes.map((t: { id: string }) => t.id) as [string, string, string];
    return { id, organizer, standard, speaker, team };
  }
  const createCode = (eventId: string, who: { token: string }, body: Record<string, unknown>) =>
    request(app).post(`/api/events/${eventId}/access-codes`).set(bearer(who)).send(body);
  const register = (eventId: string, who: { token: string }, body: Record<string, unknown> = {}) =>
    request(app).post(`/api/events/${eventId}/registrations`).set(bearer(who)).send(body);
  const codeRow = (id: string) => sdb.db.selectFrom('access_codes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const registrationsOf = async (eventId: string) =>
    sdb.db.selectFrom('registrations').select(['user_id', 'status', 'access_code_id']).where('event_id', '=', eventId).execute();

  it('when an organizer creates a code without text, then one is generated; with text it is kept upper-case; both are listed with their uses', async () => {
    const { id, organizer, speaker } = await anEvent();
    const generated = (await createCode(id, organizer, { ticketTypeIds: [speaker] }).expect(201)).body;
    expect(generated.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const named = (await createCode(id, organizer, { code: 'speakers-2026', ticketTypeIds: [speaker], maxUses: 3 }).expect(201)).body;
    expect(named).toMatchObject({ code: 'SPEAKERS-2026', maxUses: 3, uses: 0, validUntil: null, ticketTypeIds: [speaker] });
    const list = (await request(app).get(`/api/events/${id}/access-codes`).set(bearer(organizer)).expect(200)).body;
    expect(list.items.map((c: { id: string }) => c.id).sort()).toEqual([generated.id, named.id].sort());
    const [audit] = await outbox.audits(id, 'event.access_code_created');
    expect(JSON.stringify(audit)).not.toContain('SPEAKERS-2026');
  });

  it('when a code is bad input (too short, odd characters, a type of another event, a duplicate in any case), then 4xx and no code is made', async () => {
    const { id, organizer, speaker } = await anEvent();
    const other = await anEvent();
    await createCode(id, organizer, { code: 'ab', ticketTypeIds: [speaker] }).expect(400);
    await createCode(id, organizer, { code: 'no spaces!', ticketTypeIds: [speaker] }).expect(400);
    await createCode(id, organizer, { ticketTypeIds: [] }).expect(400);
    const foreign = await createCode(id, organizer, { ticketTypeIds: [other.speaker] }).expect(400);
    expect(foreign.body.errors[0].field).toBe('body.ticketTypeIds.0');
    await createCode(id, organizer, { code: 'TEAM-1', ticketTypeIds: [speaker] }).expect(201);
    const dup = await createCode(id, organizer, { code: 'team-1', ticketTypeIds: [speaker] }).expect(409);
    expect(dup.body.code).toBe('CONFLICT');
    expect((await request(app).get(`/api/events/${id}/access-codes`).set(bearer(organizer)).expect(200)).body.items).toHaveLength(1);
  });

  it('when someone who does not manage the event creates, lists or deletes codes, then 403 and nothing changes', async () => {
    const { id, organizer, speaker } = await anEvent();
    const code = (await createCode(id, organizer, { ticketTypeIds: [speaker] }).expect(201)).body;
    const other = await env.tokenFor({ roles: ['organizer'] });
    await createCode(id, other, { ticketTypeIds: [speaker] }).expect(403);
    await request(app).get(`/api/events/${id}/access-codes`).set(bearer(other)).expect(403);
    await request(app).delete(`/api/events/${id}/access-codes/${code.id}`).set(bearer(other)).expect(403);
    expect((await codeRow(code.id)).deleted_at).toBeNull();
    // Another event's organizer cannot delete this code through their own event either.
    const theirs = await anEvent();
    await request(app).delete(`/api/events/${theirs.id}/access-codes/${code.id}`).set(bearer(theirs.organizer)).expect(404);
    expect((await codeRow(code.id)).deleted_at).toBeNull();
  });

  it('when a hidden or code-only type is asked for without a code or with a wrong one, then 403 on body.accessCode and nothing is made', async () => {
    const { id, organizer, speaker, team } = await anEvent();
    await createCode(id, organizer, { code: 'TEAM-ONLY', ticketTypeIds: [team] }).expect(201);
    const person = await attendee();
    for (const body of [
      { ticketTypeId: speaker },
      { ticketTypeId: team },
      { ticketTypeId: speaker, accessCode: 'WRONG-CODE' },
      { ticketTypeId: speaker, accessCode: 'TEAM-ONLY' },
    ]) {
      const res = await register(id, person, body).expect(403);
      expect(res.body.errors[0].field).toBe('body.accessCode');
    }
    expect(await registrationsOf(id)).toEqual([]);
  });

  it('when a valid code is given in any case, then the hidden type opens, the use is counted with the registration, and it is recorded', async () => {
    const { id, organizer, speaker } = await anEvent();
    const code = (await createCode(id, organizer, { code: 'Keynote-7', ticketTypeIds: [speaker], maxUses: 2 }).expect(201)).body;
    const person = await attendee();
    const res = (await register(id, person, { ticketTypeId: speaker, accessCode: 'keynote-7' }).expect(201)).body;
    expect(res).toMatchObject({ status: 'confirmed', ticketTypeId: speaker });
    expect((await codeRow(code.id)).uses).toBe(1);
    expect(await registrationsOf(id)).toEqual([{ user_id: person.id, status: 'confirmed', access_code_id: code.id }]);
    // With the code and no type named, the one type the code opens is the one.
    expect((await register(id, await attendee(), { accessCode: 'KEYNOTE-7' }).expect(201)).body.ticketTypeId).toBe(speaker);
    expect((await codeRow(code.id)).uses).toBe(2);
  });

  it('when a code is used up, expired or deleted, then a clear 4xx, and nothing changes', async () => {
    const { id, organizer, speaker } = await anEvent();
    const one = (await createCode(id, organizer, { code: 'ONCE-ONLY', ticketTypeIds: [speaker], maxUses: 1 }).expect(201)).body;
    await register(id, await attendee(), { ticketTypeId: speaker, accessCode: 'ONCE-ONLY' }).expect(201);
    const usedUp = await register(id, await attendee(), { ticketTypeId: speaker, accessCode: 'ONCE-ONLY' }).expect(409);
    expect(usedUp.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'body.accessCode', message: 'used up' }] });
    expect((await codeRow(one.id)).uses).toBe(1);

    const expiring = (
      await createCode(id, organizer, { code: 'SOON-GONE', ticketTypeIds: [speaker], validUntil: future(0.00002) }).expect(201)
    ).body;
    await new Promise((r) => setTimeout(r, 2500));
    const expired = await register(id, await attendee(), { ticketTypeId: speaker, accessCode: 'SOON-GONE' }).expect(403);
    expect(expired.body.errors[0].message).toBe('expired');
    expect((await codeRow(expiring.id)).uses).toBe(0);

    const gone = (await createCode(id, organizer, { code: 'DELETE-ME', ticketTypeIds: [speaker] }).expect(201)).body;
    await request(app).delete(`/api/events/${id}/access-codes/${gone.id}`).set(bearer(organizer)).expect(204);
    await request(app).delete(`/api/events/${id}/access-codes/${gone.id}`).set(bearer(organizer)).expect(404);
    const deleted = await register(id, await attendee(), { ticketTypeId: speaker, accessCode: 'DELETE-ME' }).expect(403);
    expect(deleted.body.errors[0].message).toBe('not valid');
    expect(await outbox.audits(id, 'event.access_code_deleted')).toHaveLength(1);
    expect((await registrationsOf(id)).length).toBe(1);
  });

  it('when one person keeps guessing codes, then after ten tries they get 429 with Retry-After, even for a right code', async () => {
    const { id, organizer, speaker } = await anEvent();
    await createCode(id, organizer, { code: 'RIGHT-ONE', ticketTypeIds: [speaker] }).expect(201);
    const guesser = await attendee();
    for (let i = 0; i < 10; i += 1) await register(id, guesser, { ticketTypeId: speaker, accessCode: `GUESS-${i}` }).expect(403);
    const limited = await register(id, guesser, { ticketTypeId: speaker, accessCode: 'RIGHT-ONE' }).expect(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await registrationsOf(id)).toEqual([]);
    // Someone else is not held back, and right codes do not count against them.
    const other = await attendee();
    await register(id, other, { ticketTypeId: speaker, accessCode: 'right-one' }).expect(201);
  });

  it('when a hidden type is listed, then only its managers see it, and the code holder still registers for it', async () => {
    const { id, organizer, speaker } = await anEvent();
    const person = await attendee();
    const seen = (await request(app).get(`/api/events/${id}`).set(bearer(person)).expect(200)).body;
    expect(seen.ticketTypes.map((t: { id: string }) => t.id)).not.toContain(speaker);
    await createCode(id, organizer, { code: 'STAGE-PASS', ticketTypeIds: [speaker] }).expect(201);
    expect((await register(id, person, { ticketTypeId: speaker, accessCode: 'STAGE-PASS' }).expect(201)).body.ticketTypeId).toBe(speaker);
  });
});
