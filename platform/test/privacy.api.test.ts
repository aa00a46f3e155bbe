import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, future, startTestPlatform, USER_PASSWORD, type TestPlatform } from './test-platform.js';

/**
 * GDPR art. 15, 17 and 20 across the four services (issue 13, ADR 0029): the export gathers every
 * service's part and nothing of anyone else; erasure reaches every service through user.erased.v1
 * while seats stay counted and the audit chain still verifies.
 */
describe('platform: personal-data export and erasure', () => {
  let t: TestPlatform;
  let adminToken: string;
  let eventId: string;
  const stamp = Date.now();
  const alice = { email: `alice.${stamp}@example.com`, name: `Alice Privacy ${stamp}`, answer: `alice-diet-${stamp}`, id: '', token: '' };
  const bob = { email: `bob.${stamp}@example.com`, name: `Bob Privacy ${stamp}`, answer: `bob-diet-${stamp}`, id: '', token: '' };

  /** Rows of `table` in `schema` whose `column` is `value` (the test reads each service's own tables). */
  const rowsOf = async (schema: string, table: string, column: string, value: string) =>
    (
      await sql<Record<string, unknown>>`select * from ${sql.id(schema, table)} where ${sql.ref(column)} = ${value}`.execute(
        t.env.database.forSchema(schema).db,
      )
    ).rows;

  const exportOf = async (token: string) => {
    const res = await request(t.app).get('/api/users/me/export').set(bearer(token)).expect(200);
    return res.body as {
      userId: string;
      parts: { service: string; userId: string; collections: Record<string, { items: Record<string, unknown>[] }> }[];
    };
  };

  beforeAll(async () => {
    t = await startTestPlatform('privacy');
    adminToken = await t.signIn(t.admin.email, t.admin.password);
    ({ id: eventId } = await t.createEvent(adminToken, {
      title: 'Privacy day',
      startsAt: future(0.01),
      endsAt: future(0.2),
      questions: [{ id: 'diet', label: 'Diet', type: 'text' }],
    }));
    for (const p of [alice, bob]) {
      p.id = await t.signUp(p.email, p.name);
      p.token = await t.signIn(p.email);
      const reg = await request(t.app)
        .post(`/api/events/${eventId}/registrations`)
        .set(bearer(p.token))
        .send({ answers: { diet: p.answer } })
        .expect(201);
      await request(t.app).put('/api/notifications/preferences').set(bearer(p.token)).send({ event_updated: 'in_app' }).expect(200);
      if (p === alice) {
        await request(t.app)
          .post(`/api/events/${eventId}/checkins`)
          .set(bearer(adminToken))
          .send({ code: reg.body.ticketCode })
          .expect(201);
      }
    }
    // The registrations' notifications reach the inbox through messages.
    await vi.waitFor(
      async () => {
        for (const p of [alice, bob]) {
          const inbox = await request(t.app).get('/api/notifications').set(bearer(p.token)).expect(200);
          expect(inbox.body.items.length).toBeGreaterThan(0);
        }
      },
      { timeout: 20_000, interval: 100 },
    );
  });
  afterAll(() => t.stop());

  it('when a user exports their data, then every service contributes its part and nothing of another user appears', async () => {
    const doc = await exportOf(alice.token);
    expect(doc.userId).toBe(alice.id);
    expect(doc.parts.map((p) => p.service)).toEqual(['user-service', 'event-service', 'notification-service', 'audit-service']);
    for (const part of doc.parts) expect(part.userId).toBe(alice.id);
    const [users, events, notifications, audit] = doc.parts;
    expect(users!.collections.account!.items[0]).toMatchObject({ id: alice.id, email: alice.email, displayName: alice.name });
    expect(users!.collections.sessionTokens!.items.length).toBeGreaterThan(0);
    expect(events!.collections.registrations!.items).toEqual([
      expect.objectContaining({ user_id: alice.id, answers: { diet: alice.answer } }),
    ]);
    expect(events!.collections.checkins!.items).toHaveLength(1);
    expect(notifications!.collections.notifications!.items.length).toBeGreaterThan(0);
    expect(notifications!.collections.preferences!.items).toEqual([expect.objectContaining({ kind: 'event_updated', channel: 'in_app' })]);
    expect(audit!.collections.auditEntries!.items.length).toBeGreaterThan(0);

    const text = JSON.stringify(doc);
    for (const foreign of [bob.id, bob.email, bob.name, bob.answer, t.admin.email]) expect(text).not.toContain(foreign);
  });

  it('when the export is asked without a token, then it is 401 problem+json', async () => {
    const res = await request(t.app).get('/api/users/me/export').expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('when the trail records a profile message, then the name and address are keyed references, not clear text', async () => {
    await vi.waitFor(async () => expect(await rowsOf('audit', 'entries', 'subject', alice.id)).not.toHaveLength(0), { timeout: 20_000 });
    const entries = await rowsOf('audit', 'entries', 'type', 'user.registered.v1');
    const mine = entries.find((e) => (e.data as { userId: string }).userId === alice.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(mine)).not.toContain(alice.email);
    expect((mine!.data as { email: unknown }).email).toEqual({ hmac: expect.any(String), keyId: expect.stringMatching(/^ask_/) });
  });

  it('when erasure is asked with a wrong password, then it is refused with 400 and nothing changes', async () => {
    const res = await request(t.app).delete('/api/users/me').set(bearer(alice.token)).send({ password: 'not the password' }).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    await request(t.app).get('/api/users/me').set(bearer(alice.token)).expect(200);
    expect(await rowsOf('events', 'people', 'user_id', alice.id)).toEqual([expect.objectContaining({ email: alice.email })]);
  });

  it('when a user erases their account, then every service erases or anonymises them, seats stay counted and the chain verifies', async () => {
    const confirmedBefore = (await request(t.app).get(`/api/events/${eventId}`).set(bearer(adminToken)).expect(200)).body;
    // Alice has begun setting up an authenticator app: its sealed secret is hers too.
    await request(t.app).post('/api/users/me/mfa/totp').set(bearer(alice.token)).expect(200);
    expect(await rowsOf('users', 'mfa_totp', 'user_id', alice.id)).toHaveLength(1);
    await request(t.app).delete('/api/users/me').set(bearer(alice.token)).send({ password: USER_PASSWORD }).expect(204);

    // user-service: the account is anonymous, sessions gone, sign-in refused, the address free again.
    const [account] = await rowsOf('users', 'users', 'id', alice.id);
    expect(account).toMatchObject({ display_name: 'Erased user', password_hash: null, roles: [] });
    expect(account!.email).not.toBe(alice.email);
    expect(await rowsOf('users', 'refresh_tokens', 'user_id', alice.id)).toEqual([]);
    expect(await rowsOf('users', 'mfa_totp', 'user_id', alice.id)).toEqual([]);
    await request(t.app).post('/api/auth/login').send({ email: alice.email, password: USER_PASSWORD }).expect(401);

    // Every service hears user.erased.v1 through its own queue.
    await vi.waitFor(
      async () => {
        expect(await rowsOf('events', 'people', 'user_id', alice.id)).toEqual([
          expect.objectContaining({ display_name: 'Erased user', email: null }),
        ]);
        expect(await rowsOf('notifications', 'notifications', 'user_id', alice.id)).toEqual([]);
        expect(await rowsOf('notifications', 'preferences', 'user_id', alice.id)).toEqual([]);
        for (const schema of ['users', 'events', 'notifications', 'audit']) {
          expect(await rowsOf(schema, 'audit_subject_keys', 'user_id', alice.id)).toEqual([]);
        }
      },
      { timeout: 20_000, interval: 100 },
    );
    const [registration] = await rowsOf('events', 'registrations', 'user_id', alice.id);
    expect(registration).toMatchObject({ status: 'confirmed', answers: {} });
    expect(registration!.checked_in_at).not.toBeNull();
    const users = await rowsOf('notifications', 'users', 'user_id', alice.id);
    expect(users.map((u) => u.email)).toEqual(['']);

    // Seats: the erased registration still counts; the attendee list says who it was no more.
    const event = (await request(t.app).get(`/api/events/${eventId}`).set(bearer(adminToken)).expect(200)).body;
    expect(event.availability).toEqual(confirmedBefore.availability);
    const attendees = await request(t.app).get(`/api/events/${eventId}/registrations`).set(bearer(adminToken)).expect(200);
    const names = attendees.body.items.map((a: { displayName: string | null }) => a.displayName);
    expect(names).toContain('Erased user');
    expect(names).toContain(bob.name);
    expect(JSON.stringify(attendees.body)).not.toContain(alice.email);
    expect(JSON.stringify(attendees.body)).not.toContain(alice.answer);

    // The old token is refused everywhere; the chain still verifies.
    await vi.waitFor(async () => expect((await request(t.app).get('/api/notifications').set(bearer(alice.token))).status).toBe(401), {
      timeout: 20_000,
    });
    const verify = await request(t.app).get('/api/audit/verify').set(bearer(adminToken)).expect(200);
    expect(verify.body.valid).toBe(true);

    // Bob is untouched.
    const bobs = await exportOf(bob.token);
    expect(JSON.stringify(bobs)).toContain(bob.answer);

    // The address can sign up again, as a new person with nothing of the old one.
    const again = await t.signUp(alice.email, 'Alice Again');
    expect(again).not.toBe(alice.id);
    const fresh = await exportOf(await t.signIn(alice.email));
    expect(JSON.stringify(fresh)).not.toContain(alice.id);
    expect(JSON.stringify(fresh)).not.toContain(alice.answer);
  });

  it('when user.erased.v1 is delivered again, then nothing changes and the consumers keep working', async () => {
    const [outbox] = (
      await sql<{ envelope: Parameters<TestPlatform['env']['publishRaw']>[1] }>`
        select envelope from users.outbox where type = 'user.erased.v1' and envelope->'data'->>'userId' = ${alice.id}`.execute(
        t.env.database.forSchema('users').db,
      )
    ).rows;
    expect(outbox).toBeDefined();
    const before = await rowsOf('events', 'registrations', 'user_id', alice.id);
    await t.env.publishRaw('user.erased.v1', outbox!.envelope);
    // A later message still flows through the same consumers: Bob's preference change and a new erasure by the admin.
    const carol = await t.userWithRoles(`carol.${stamp}@example.com`, ['attendee']);
    await request(t.app).delete(`/api/users/${carol.id}`).set(bearer(adminToken)).expect(204);
    await vi.waitFor(
      async () =>
        expect(await rowsOf('events', 'people', 'user_id', carol.id)).toEqual([expect.objectContaining({ display_name: 'Erased user' })]),
      { timeout: 20_000, interval: 100 },
    );
    expect(await rowsOf('events', 'registrations', 'user_id', alice.id)).toEqual(before);
    await request(t.app).delete(`/api/users/${carol.id}`).set(bearer(adminToken)).expect(404);
    // An erased account cannot be brought back by an admin either.
    await request(t.app).post(`/api/users/${carol.id}/enable`).set(bearer(adminToken)).expect(404);
    await request(t.app)
      .patch(`/api/users/${carol.id}/roles`)
      .set(bearer(adminToken))
      .send({ roles: ['admin'] })
      .expect(404);
    const verify = await request(t.app).get('/api/audit/verify').set(bearer(adminToken)).expect(200);
    expect(verify.body.valid).toBe(true);
  });

  it('when a non-admin erases another user, then it is 403 and the other user is untouched', async () => {
    const res = await request(t.app).delete(`/api/users/${bob.id}`).set(bearer(bob.token)).expect(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    await request(t.app).get('/api/users/me').set(bearer(bob.token)).expect(200);
  });
});
