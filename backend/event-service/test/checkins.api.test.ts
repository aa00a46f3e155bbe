import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, migrate, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { TICKET_CODE_ALPHABET } from '@secureevent/contracts';
import type { EventsDb } from '../src/db/schema.js';
import { migrations } from '../src/db/migrations/index.js';
import { bearer, eventFactory, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

const CODE = new RegExp(`^[${TICKET_CODE_ALPHABET}]{8}$`);

describe('check-in at the door API', () => {
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

  const anEvent = (overrides: Record<string, unknown> = {}, options: { organizer?: { token: string; id: string } } = {}) =>
    eventFactory(service, { capacity: 50 })(overrides, options);
  const register = async (eventId: string) => {
    const person = await env.tokenFor({ roles: ['attendee'] });
    const res = await request(app).post(`/api/events/${eventId}/registrations`).set(bearer(person)).send({});
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const reg = res.body;
    return { person, reg };
  };
  /** Tells the event-service who a person is, as the user-service would, and waits until it knows. */
  const announce = async (userId: string, displayName: string, email = `${userId}@example.test`) => {
    const m = createEnvelope('/secureevent/user-service', {
      type: 'user.registered.v1',
      data: { userId, email, displayName, roles: ['attendee'], registeredAt: new Date().toISOString() },
    });
    await env.publishRaw(m.type, m);
    await expect
      .poll(
        async () =>
          (await sdb.db.selectFrom('people').select('display_name').where('user_id', '=', userId).executeTakeFirst())?.display_name,
        {
          timeout: 10_000,
          interval: 50,
        },
      )
      .toBe(displayName);
  };
  const checkedInAt = async (registrationId: string) =>
    (await sdb.db.selectFrom('registrations').select('checked_in_at').where('id', '=', registrationId).executeTakeFirstOrThrow())
      .checked_in_at;

  it('when people register, then each confirmed ticket carries its own 8-character code, unique in the event', async () => {
    const { id } = await anEvent();
    const regs = [];
    for (let i = 0; i < 5; i++) regs.push((await register(id)).reg);
    for (const reg of regs) expect(reg.ticketCode).toMatch(CODE);
    expect(new Set(regs.map((r) => r.ticketCode)).size).toBe(5);
    const mine = await request(app)
      .get(`/api/registrations/${regs[0].id}`)
      .set(bearer((await register(id)).person));
    expect(mine.status).toBe(404);
  });

  it('when a seat is confirmed or a waitlisted person promoted, then the message carries the ticket code for their mail; a waitlisted one none', async () => {
    const { id } = await anEvent({ capacity: 1 });
    const first = await register(id);
    const second = await register(id);
    expect(second.reg.status).toBe('waitlisted');
    expect(await outbox.data('registration.confirmed.v1', first.reg.id)).toEqual([
      expect.objectContaining({ ticketCode: first.reg.ticketCode }),
    ]);
    const waitlisted = await outbox.data('registration.waitlisted.v1', second.reg.id);
    expect(waitlisted).toHaveLength(1);
    expect(waitlisted[0]).not.toHaveProperty('ticketCode');

    await request(app).delete(`/api/registrations/${first.reg.id}`).set(bearer(first.person)).expect(200);
    const code = (await sdb.db.selectFrom('registrations').select('ticket_code').where('id', '=', second.reg.id).executeTakeFirstOrThrow())
      .ticket_code;
    expect(code).toMatch(CODE);
    expect(await outbox.data('registration.promoted.v1', second.reg.id)).toEqual([expect.objectContaining({ ticketCode: code })]);
  });

  it('when a code is typed in lower case, with a dash and confusable letters, then the ticket is checked in and the door sees whose it is', async () => {
    const { id, organizer } = await anEvent();
    const { person, reg } = await register(id);
    await announce(person.id, 'Zoë Brontë');
    // A known code with every confusable digit in it, so the test shows the mapping every time.
    await sdb.db.updateTable('registrations').set({ ticket_code: '10AB1C0D' }).where('id', '=', reg.id).execute();

    const res = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: 'lo ab-ic-od' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      registrationId: reg.id,
      checkedInBy: organizer.id,
      checkedIn: 1,
      attendee: { displayName: 'Zoë Brontë', email: `${person.id}@example.test`, ticketCode: '10AB1C0D', ticketType: 'General admission' },
    });
    expect(await checkedInAt(reg.id)).not.toBeNull();
    expect(await outbox.audits(reg.id, 'checkin.recorded')).toHaveLength(1);

    // The same ticket again, now by its QR: refused, saying who checked them in and whose ticket it is.
    const again = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ ticketToken: reg.ticketToken });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'ALREADY_CHECKED_IN',
      checkedInBy: organizer.id,
      checkedInAt: res.body.checkedInAt,
      attendee: { displayName: 'Zoë Brontë', ticketCode: '10AB1C0D' },
    });
  });

  it('when a code is unknown, of another event, or cannot be a code, then 400 and nobody is checked in', async () => {
    const { id, organizer } = await anEvent();
    const { reg } = await register(id);
    const other = await anEvent({}, { organizer });
    const { reg: elsewhere } = await register(other.id);

    const unknown = reg.ticketCode === 'ZZZZZZZZ' ? 'YYYYYYYY' : 'ZZZZZZZZ';
    for (const code of [unknown, elsewhere.ticketCode, 'UUUU-UUUU', 'short']) {
      const res = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code });
      expect(res.status, code).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('INVALID_TICKET');
    }
    for (const body of [{}, { code: reg.ticketCode, ticketToken: reg.ticketToken }, { code: 'a\nb' }, { code: 12345678 }]) {
      const res = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect(await checkedInAt(reg.id)).toBeNull();
    expect(await checkedInAt(elsewhere.id)).toBeNull();
    const stats = await request(app).get(`/api/events/${id}/checkins/stats`).set(bearer(organizer)).expect(200);
    expect(stats.body.checkedIn).toBe(0);
  });

  it('when someone who does not manage the event sends a genuine code, then it is refused and the ticket stays unchecked', async () => {
    const { id } = await anEvent();
    const { reg } = await register(id);
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    const res = await request(app).post(`/api/events/${id}/checkins`).set(bearer(stranger)).send({ code: reg.ticketCode });
    expect([403, 404]).toContain(res.status);
    expect(await checkedInAt(reg.id)).toBeNull();
  });

  it('when a cancelled registration’s code is typed, then it is no longer valid', async () => {
    const { id, organizer } = await anEvent();
    const { person, reg } = await register(id);
    await request(app)
      .delete(`/api/registrations/${reg.id}`)
      .set(bearer(person))
      .expect((r) => expect(r.status).toBeLessThan(300));
    const res = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: reg.ticketCode });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_TICKET');
    expect(await checkedInAt(reg.id)).toBeNull();
  });

  it('when the door searches by the start of a name, an email or a code, accents and case aside, then it finds the event’s confirmed attendees only', async () => {
    const { id, organizer } = await anEvent();
    const zoe = await register(id);
    await announce(zoe.person.id, 'Zoë Brontë', `zoe.b-${zoe.person.id}@example.test`);
    const jurgen = await register(id);
    await announce(jurgen.person.id, 'Jürgen Müller-Straße');
    const gone = await register(id);
    await announce(gone.person.id, 'Zoe Gone');
    await request(app).delete(`/api/registrations/${gone.reg.id}`).set(bearer(gone.person)).expect(200);
    const other = await anEvent({}, { organizer });
    const elsewhere = await register(other.id);
    await announce(elsewhere.person.id, 'Zoe Elsewhere');

    const search = async (q: string) => {
      const res = await request(app).get(`/api/events/${id}/checkins/search`).query({ q }).set(bearer(organizer));
      expect(res.status, q).toBe(200);
      return (res.body.items as { registrationId: string }[]).map((i) => i.registrationId);
    };
    for (const q of ['zoe', 'ZOË', 'bront', 'Brontë', 'zo br', 'zoe.b']) expect(await search(q), q).toEqual([zoe.reg.id]);
    for (const q of ['muller', 'strasse', 'jur', 'MÜLL']) expect(await search(q), q).toEqual([jurgen.reg.id]);
    expect(await search(jurgen.reg.ticketCode.slice(0, 6).toLowerCase())).toContain(jurgen.reg.id);
    expect(await search('ontë')).toEqual([]);
    expect(await search('%')).toEqual([]);
    expect(await search('_oe')).toEqual([]);

    const res = await request(app).get(`/api/events/${id}/checkins/search`).query({ q: 'zoe' }).set(bearer(organizer));
    expect(res.body.items).toEqual([
      {
        registrationId: zoe.reg.id,
        displayName: 'Zoë Brontë',
        email: `zoe.b-${zoe.person.id}@example.test`,
        ticketCode: zoe.reg.ticketCode,
        ticketType: 'General admission',
        checkedInAt: null,
        checkedInByName: null,
      },
    ]);
  });

  it('when a found attendee is checked in with one tap (their code), then the next search shows them in', async () => {
    const { id, organizer } = await anEvent();
    const { person, reg } = await register(id);
    await announce(person.id, 'Ada Lovelace');
    const [hit] = (await request(app).get(`/api/events/${id}/checkins/search`).query({ q: 'ada' }).set(bearer(organizer)).expect(200)).body
      .items;
    await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: hit.ticketCode }).expect(201);
    const [after] = (await request(app).get(`/api/events/${id}/checkins/search`).query({ q: 'ada' }).set(bearer(organizer)).expect(200))
      .body.items;
    expect(after.registrationId).toBe(reg.id);
    expect(after.checkedInAt).not.toBeNull();
  });

  it('when the search is empty, too long or asked by someone who does not manage the event, then it is refused', async () => {
    const { id, organizer } = await anEvent();
    await register(id);
    for (const q of [{}, { q: '' }, { q: 'x'.repeat(101) }, { q: 'zoe', limit: 500 }]) {
      const res = await request(app).get(`/api/events/${id}/checkins/search`).query(q).set(bearer(organizer));
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    const res = await request(app).get(`/api/events/${id}/checkins/search`).query({ q: 'a' }).set(bearer(stranger));
    expect([403, 404]).toContain(res.status);
  });

  it('when a check-in is undone within 10 minutes, then the ticket is out again, the count drops, the undo is audited, and it can be checked in again', async () => {
    const { id, organizer } = await anEvent();
    const { reg } = await register(id);
    const first = await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: reg.ticketCode }).expect(201);
    const undo = await request(app).delete(`/api/events/${id}/checkins/${reg.id}`).set(bearer(organizer));
    expect(undo.status).toBe(200);
    expect(undo.body).toEqual({ checkedIn: 0, confirmed: 1 });
    expect(await checkedInAt(reg.id)).toBeNull();
    expect(await outbox.audits(reg.id, 'checkin.undone')).toEqual([
      expect.objectContaining({ actorId: organizer.id, changes: [{ field: 'checkedInAt', from: first.body.checkedInAt, to: null }] }),
    ]);
    // The other doors hear of it: checkin.undone.v1 with the count after it and the check-in it removed.
    expect(await outbox.data('checkin.undone.v1', reg.id)).toEqual([
      expect.objectContaining({
        registrationId: reg.id,
        eventId: id,
        undoneBy: organizer.id,
        checkedInAt: first.body.checkedInAt,
        checkedIn: 0,
      }),
    ]);
    const again = await request(app).delete(`/api/events/${id}/checkins/${reg.id}`).set(bearer(organizer));
    expect(again.status).toBe(409);
    await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: reg.ticketCode }).expect(201);
  });

  it('when a check-in is older than 10 minutes, of another event, or undone by a stranger, then it stays', async () => {
    const { id, organizer } = await anEvent();
    const { reg } = await register(id);
    await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: reg.ticketCode }).expect(201);
    const old = new Date(Date.now() - 11 * 60 * 1000);
    await sdb.db.updateTable('registrations').set({ checked_in_at: old }).where('id', '=', reg.id).execute();
    const late = await request(app).delete(`/api/events/${id}/checkins/${reg.id}`).set(bearer(organizer));
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('INVALID_STATE_TRANSITION');

    const other = await anEvent({}, { organizer });
    const { reg: fresh } = await register(id);
    await request(app).post(`/api/events/${id}/checkins`).set(bearer(organizer)).send({ code: fresh.ticketCode }).expect(201);
    expect((await request(app).delete(`/api/events/${other.id}/checkins/${fresh.id}`).set(bearer(organizer))).status).toBe(404);
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    expect([403, 404]).toContain((await request(app).delete(`/api/events/${id}/checkins/${fresh.id}`).set(bearer(stranger))).status);
    expect(new Date((await checkedInAt(reg.id))!).getTime()).toBe(old.getTime());
    expect(await checkedInAt(fresh.id)).not.toBeNull();
    expect(await outbox.audits(reg.id, 'checkin.undone')).toEqual([]);
    expect(await outbox.audits(fresh.id, 'checkin.undone')).toEqual([]);
    expect(await outbox.data('checkin.undone.v1', reg.id)).toEqual([]);
    expect(await outbox.data('checkin.undone.v1', fresh.id)).toEqual([]);
  });
});

describe('ticket codes migration', () => {
  it('when registrations existed before ticket codes, then the migration gives each its own code', async () => {
    const env = await createTestEnv();
    try {
      const sdb = env.database.forSchema<EventsDb>('events');
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0010'));
      await migrate(sdb as ServiceDb<unknown>, before);
      await sql`insert into events.events (id, title, description, description_html, starts_at, ends_at, time_zone, capacity, visibility, tags, status, organizer_ids, created_by, questions)
        values ('evt_0000000000000000000000001', 'Old', '', '', now(), now() + interval '1 hour', 'UTC', 500, 'public', '{}', 'published', '{usr_0000000000000000000000001}', 'usr_0000000000000000000000001', '[]')`.execute(
        sdb.db,
      );
      const ids = Array.from({ length: 300 }, (_, i) => `reg_${String(i).padStart(25, '0')}`);
      for (const [i, rid] of ids.entries()) {
        await sql`insert into events.registrations (id, event_id, user_id, status) values (${rid}, 'evt_0000000000000000000000001', ${`usr_${String(i).padStart(25, '0')}`}, 'confirmed')`.execute(
          sdb.db,
        );
      }
      await migrate(sdb as ServiceDb<unknown>, migrations);
      const codes = await sdb.db.selectFrom('registrations').select('ticket_code').execute();
      expect(codes).toHaveLength(300);
      for (const { ticket_code } of codes) expect(ticket_code).toMatch(CODE);
      expect(new Set(codes.map((c) => c.ticket_code)).size).toBe(300);
    } finally {
      await env.close();
    }
  });
});
