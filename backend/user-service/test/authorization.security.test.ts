import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';
const adminPassword = 'admin password 123';
const uniqueEmail = (tag: string) => `authz.${tag}.${randomBytes(5).toString('hex')}@example.com`;
const payloadOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; roles: string[] };
const UNKNOWN_USER_ID = `usr_${'0'.repeat(25)}`;

/** One user-service over its own test env, with a bootstrap admin. */
async function bootUserService() {
  const env: TestEnv = await createTestEnv();
  const adminEmail = `admin.${randomBytes(4).toString('hex')}@example.com`;
  // Every sign-up here comes from loopback; the sign-up limit is not what these tests exercise.
  const started = await startUserService(env, { admin: { email: adminEmail, password: adminPassword }, registrationsPerHour: 1_000 });
  const { app, sdb } = started;

  /** Registers an attendee and signs them in, with the refresh token in the body. */
  async function newUser(tag: string) {
    const email = uniqueEmail(tag);
    const reg = await request(app)
      .post('/api/auth/register')
      .send({ email, password, displayName: `User ${tag}` })
      .expect(201);
    const login = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    return {
      id: reg.body.id as string,
      email,
      accessToken: login.body.accessToken as string,
      refreshToken: login.body.refreshToken as string,
    };
  }

  /** Signs the bootstrap admin in (a new session each time). */
  async function signInAdmin() {
    const login = await request(app)
      .post('/api/auth/login')
      .send({ email: adminEmail, password: adminPassword, tokenDelivery: 'body' })
      .expect(200);
    const accessToken = login.body.accessToken as string;
    return { id: payloadOf(accessToken).sub, email: adminEmail, accessToken, refreshToken: login.body.refreshToken as string };
  }

  async function enabledAdminCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(sdb.schema, 'users')} where 'admin' = any(roles) and disabled_at is null`.execute(sdb.db);
    return rows[0]!.n;
  }

  return {
    app,
    sdb,
    adminEmail,
    newUser,
    signInAdmin,
    enabledAdminCount,
    async close() {
      await started.stop();
      await env.close();
    },
  };
}

type Service = Awaited<ReturnType<typeof bootUserService>>;
const bearer = (token: string) => `Bearer ${token}`;

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
}

/** True when a validation problem names `key`, in a field path or in a message. */
const namesField = (res: request.Response, key: string) =>
  Array.isArray(res.body.errors) &&
  (res.body.errors as { field: string; message: string }[]).some((e) => e.field.includes(key) || e.message.includes(key));

describe('user-service authorization', () => {
  let svc: Service;

  beforeAll(async () => {
    svc = await bootUserService();
  });
  afterAll(async () => {
    await svc.close();
  });

  it('when an attendee calls the admin routes, then each answers 403 FORBIDDEN and nothing changes', async () => {
    const attendee = await svc.newUser('attendee');
    const other = await svc.newUser('other');

    const list = await request(svc.app).get('/api/users').set('authorization', bearer(attendee.accessToken));
    const roles = await request(svc.app)
      .patch(`/api/users/${other.id}/roles`)
      .set('authorization', bearer(attendee.accessToken))
      .send({ roles: ['admin'] });
    const disable = await request(svc.app).post(`/api/users/${other.id}/disable`).set('authorization', bearer(attendee.accessToken));

    expectProblem(list, 403, 'FORBIDDEN');
    expectProblem(roles, 403, 'FORBIDDEN');
    expectProblem(disable, 403, 'FORBIDDEN');
    const admin = await svc.signInAdmin();
    const seen = await request(svc.app)
      .get('/api/users')
      .query({ q: other.email })
      .set('authorization', bearer(admin.accessToken))
      .expect(200);
    expect(seen.body.items).toEqual([expect.objectContaining({ id: other.id, roles: ['attendee'], disabled: false })]);
  });

  it('when an attendee tries to grant themselves admin, then 403 and their next token still says attendee', async () => {
    const attendee = await svc.newUser('self-promote');

    const res = await request(svc.app)
      .patch(`/api/users/${attendee.id}/roles`)
      .set('authorization', bearer(attendee.accessToken))
      .send({ roles: ['admin', 'organizer', 'attendee'] });
    const refreshed = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: attendee.refreshToken }).expect(200);

    expectProblem(res, 403, 'FORBIDDEN');
    expect(payloadOf(refreshed.body.accessToken).roles).toEqual(['attendee']);
  });

  it('when an organizer (not an admin) calls the admin routes, then each answers 403', async () => {
    const organizer = await svc.newUser('organizer');
    const other = await svc.newUser('organizer-target');
    const admin = await svc.signInAdmin();
    await request(svc.app)
      .patch(`/api/users/${organizer.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['organizer', 'attendee'] })
      .expect(200);
    const refreshed = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: organizer.refreshToken }).expect(200);
    const token = refreshed.body.accessToken as string;
    expect(payloadOf(token).roles).toEqual(['organizer', 'attendee']);

    const list = await request(svc.app).get('/api/users').set('authorization', bearer(token));
    const roles = await request(svc.app)
      .patch(`/api/users/${other.id}/roles`)
      .set('authorization', bearer(token))
      .send({ roles: ['organizer'] });
    const disable = await request(svc.app).post(`/api/users/${other.id}/disable`).set('authorization', bearer(token));

    expectProblem(list, 403, 'FORBIDDEN');
    expectProblem(roles, 403, 'FORBIDDEN');
    expectProblem(disable, 403, 'FORBIDDEN');
  });

  it('when the bootstrap admin lists, changes roles and disables, then each succeeds', async () => {
    const target = await svc.newUser('managed');
    const admin = await svc.signInAdmin();

    const list = await request(svc.app).get('/api/users').query({ q: target.email }).set('authorization', bearer(admin.accessToken));
    const roles = await request(svc.app)
      .patch(`/api/users/${target.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['organizer', 'attendee'] });
    const disable = await request(svc.app).post(`/api/users/${target.id}/disable`).set('authorization', bearer(admin.accessToken));

    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: target.id, email: target.email })]);
    expect(JSON.stringify(list.body)).not.toMatch(/hash|password/i);
    expect(roles.status).toBe(200);
    expect(roles.body).toMatchObject({ id: target.id, roles: ['organizer', 'attendee'], disabled: false });
    expect(disable.status).toBe(200);
    expect(disable.body).toMatchObject({ id: target.id, disabled: true });
  });

  it('when an admin targets an unknown usr_ id, then 404 NOT_FOUND; with a malformed id, then 400 naming params.id', async () => {
    const admin = await svc.signInAdmin();
    const auth = bearer(admin.accessToken);

    const unknownRoles = await request(svc.app)
      .patch(`/api/users/${UNKNOWN_USER_ID}/roles`)
      .set('authorization', auth)
      .send({ roles: ['attendee'] });
    const unknownDisable = await request(svc.app).post(`/api/users/${UNKNOWN_USER_ID}/disable`).set('authorization', auth);
    const malformedIds = ['not-an-id', `usr_${'A'.repeat(25)}`, `evt_${'0'.repeat(25)}`, `${UNKNOWN_USER_ID}x`, "usr_' or '1'='1"].map(
      encodeURIComponent,
    );
    const malformed = await Promise.all(
      // The last one is not even valid percent-encoding.
      [...malformedIds, '%E0%A4%A'].map((id) =>
        request(svc.app)
          .patch(`/api/users/${id}/roles`)
          .set('authorization', auth)
          .send({ roles: ['attendee'] }),
      ),
    );

    expectProblem(unknownRoles, 404, 'NOT_FOUND');
    expectProblem(unknownDisable, 404, 'NOT_FOUND');
    for (const res of malformed) expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(malformed.slice(0, malformedIds.length).every((res) => namesField(res, 'params.id'))).toBe(true);
  });

  it("when an attendee asks about another user, then /me returns only the caller and searching by the other's email is 403", async () => {
    const caller = await svc.newUser('caller');
    const other = await svc.newUser('neighbour');

    const me = await request(svc.app).get('/api/users/me').set('authorization', bearer(caller.accessToken));
    const meWithOtherId = await request(svc.app)
      .get('/api/users/me')
      .query({ id: other.id })
      .set('authorization', bearer(caller.accessToken));
    const search = await request(svc.app).get('/api/users').query({ q: other.email }).set('authorization', bearer(caller.accessToken));

    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: caller.id,
      email: caller.email,
      displayName: 'User caller',
      roles: ['attendee'],
      emailVerified: false,
      locale: null,
      timeZone: null,
    });
    expect(meWithOtherId.status).toBe(200);
    expect(meWithOtherId.body.id).toBe(caller.id);
    expectProblem(search, 403, 'FORBIDDEN');
    expect(JSON.stringify(search.body)).not.toContain(other.email);
    expect(JSON.stringify(search.body)).not.toContain(other.id);
  });

  it("when an admin disables a user, then that user's sign-in is 401, their refresh token is refused with 401 and their access token no longer reads /me", async () => {
    const victim = await svc.newUser('disabled');
    const admin = await svc.signInAdmin();

    await request(svc.app).post(`/api/users/${victim.id}/disable`).set('authorization', bearer(admin.accessToken)).expect(200);
    const login = await request(svc.app).post('/api/auth/login').send({ email: victim.email, password });
    const refresh = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: victim.refreshToken });
    const me = await request(svc.app).get('/api/users/me').set('authorization', bearer(victim.accessToken));

    expectProblem(login, 401, 'INVALID_CREDENTIALS');
    expectProblem(refresh, 401, 'UNAUTHENTICATED');
    expect(refresh.body.refreshToken).toBeUndefined();
    expectProblem(me, 401, 'UNAUTHENTICATED');
  });

  it('when an admin is disabled, then their still-valid access token is refused with 401 by routes that never read the account row', async () => {
    const admin = await svc.signInAdmin();
    const other = await svc.newUser('admin-to-disable');
    await request(svc.app)
      .patch(`/api/users/${other.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['admin', 'attendee'] })
      .expect(200);
    const otherAdmin = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(200);
    const token = otherAdmin.body.accessToken as string;
    await request(svc.app).get('/api/users').set('authorization', bearer(token)).expect(200);

    await request(svc.app).post(`/api/users/${other.id}/disable`).set('authorization', bearer(admin.accessToken)).expect(200);

    // The service's set of disabled users is reloaded on the NOTIFY of the disabling transaction.
    await vi.waitFor(
      async () => expectProblem(await request(svc.app).get('/api/users').set('authorization', bearer(token)), 401, 'UNAUTHENTICATED'),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    const detail = await request(svc.app).get('/api/users').set('authorization', bearer(token));
    expect(detail.body.detail).toBe('This account has been disabled.');
  });

  it('when an admin enables a disabled user, then they can sign in and use the API again, and user.enabled.v1 and its audit record are in the outbox', async () => {
    const admin = await svc.signInAdmin();
    const user = await svc.newUser('re-enabled');
    await request(svc.app).post(`/api/users/${user.id}/disable`).set('authorization', bearer(admin.accessToken)).expect(200);
    await request(svc.app).post('/api/auth/login').send({ email: user.email, password }).expect(401);

    const enable = await request(svc.app).post(`/api/users/${user.id}/enable`).set('authorization', bearer(admin.accessToken));

    expect(enable.status).toBe(200);
    expect(enable.body).toMatchObject({ id: user.id, disabled: false });
    const login = await request(svc.app).post('/api/auth/login').send({ email: user.email, password }).expect(200);
    await vi.waitFor(
      async () =>
        expect((await request(svc.app).get('/api/users/me').set('authorization', bearer(login.body.accessToken))).status).toBe(200),
      { timeout: 10_000, interval: 50 },
    );
    const { rows } = await sql<{ type: string; data: { action?: string; userId?: string; targetId?: string; enabledBy?: string } }>`
      select type, envelope->'data' as data from ${sql.id(svc.sdb.schema, 'outbox')}
      where envelope->>'subject' = ${user.id} and type in ('user.enabled.v1', 'user.disabled.v1', 'audit.recorded.v1') order by seq`.execute(
      svc.sdb.db,
    );
    expect(rows.filter((r) => r.type === 'user.disabled.v1').map((r) => r.data.userId)).toEqual([user.id]);
    expect(rows.filter((r) => r.type === 'user.enabled.v1').map((r) => r.data)).toEqual([
      expect.objectContaining({ userId: user.id, enabledBy: admin.id }),
    ]);
    expect(rows.filter((r) => r.type === 'audit.recorded.v1' && r.data.action === 'user.enabled')).toHaveLength(1);
  });

  it('when an attendee enables a user, then 403; when an admin enables an unknown usr_ id, then 404; with a malformed id, then 400', async () => {
    const admin = await svc.signInAdmin();
    const attendee = await svc.newUser('enabler');
    const target = await svc.newUser('enable-target');
    await request(svc.app).post(`/api/users/${target.id}/disable`).set('authorization', bearer(admin.accessToken)).expect(200);

    const byAttendee = await request(svc.app).post(`/api/users/${target.id}/enable`).set('authorization', bearer(attendee.accessToken));
    const unknown = await request(svc.app).post(`/api/users/${UNKNOWN_USER_ID}/enable`).set('authorization', bearer(admin.accessToken));
    const malformed = await request(svc.app).post('/api/users/not-an-id/enable').set('authorization', bearer(admin.accessToken));

    expectProblem(byAttendee, 403, 'FORBIDDEN');
    expectProblem(unknown, 404, 'NOT_FOUND');
    expectProblem(malformed, 400, 'VALIDATION_FAILED');
    await request(svc.app).post('/api/auth/login').send({ email: target.email, password }).expect(401);
  });

  it("when an admin changes a user's roles, then the user's next refresh carries the new roles and user.roles_changed.v1 is in the outbox", async () => {
    const user = await svc.newUser('promoted');
    const admin = await svc.signInAdmin();
    expect(payloadOf(user.accessToken).roles).toEqual(['attendee']);

    await request(svc.app)
      .patch(`/api/users/${user.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['organizer', 'attendee'] })
      .expect(200);
    const refreshed = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: user.refreshToken });

    expect(refreshed.status).toBe(200);
    expect(payloadOf(refreshed.body.accessToken)).toMatchObject({ sub: user.id, roles: ['organizer', 'attendee'] });
    const { rows } = await sql<{ envelope: { subject: string; data: Record<string, unknown> } }>`
      select envelope from ${sql.id(svc.sdb.schema, 'outbox')}
      where type = 'user.roles_changed.v1' and envelope->>'subject' = ${user.id}`.execute(svc.sdb.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.envelope.data).toMatchObject({
      userId: user.id,
      roles: ['organizer', 'attendee'],
      previousRoles: ['attendee'],
      changedBy: admin.id,
    });
  });

  it('when register, login or set-roles bodies carry unknown fields, then 400 VALIDATION_FAILED names the field', async () => {
    const target = await svc.newUser('strict');
    const admin = await svc.signInAdmin();
    const email = uniqueEmail('mass-assign');

    const register = await request(svc.app)
      .post('/api/auth/register')
      .send({ email, password, displayName: 'Mallory', roles: ['admin'] });
    const login = await request(svc.app).post('/api/auth/login').send({ email: target.email, password, isAdmin: true });
    const roles = await request(svc.app)
      .patch(`/api/users/${target.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['attendee'], disabled: false });

    expectProblem(register, 400, 'VALIDATION_FAILED');
    expect(namesField(register, 'roles')).toBe(true);
    expectProblem(login, 400, 'VALIDATION_FAILED');
    expect(namesField(login, 'isAdmin')).toBe(true);
    expectProblem(roles, 400, 'VALIDATION_FAILED');
    expect(namesField(roles, 'disabled')).toBe(true);
    const search = await request(svc.app).get('/api/users').query({ q: email }).set('authorization', bearer(admin.accessToken)).expect(200);
    expect(search.body.items).toEqual([]);
  });

  it('when a body is larger than 100 kB, then 413 PAYLOAD_TOO_LARGE and never a 500', async () => {
    const target = await svc.newUser('big');
    const admin = await svc.signInAdmin();
    const huge = 'x'.repeat(110 * 1024);

    const register = await request(svc.app)
      .post('/api/auth/register')
      .send({ email: uniqueEmail('huge'), password, displayName: huge });
    const login = await request(svc.app).post('/api/auth/login').send({ email: target.email, password: huge });
    const roles = await request(svc.app)
      .patch(`/api/users/${target.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['attendee'], padding: huge });

    expectProblem(register, 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(login, 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(roles, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('user-service authorization: the last admin', () => {
  // Each test needs to know exactly who the admins are, so each gets its own service and database.
  let svc: Service;

  beforeEach(async () => {
    svc = await bootUserService();
  });
  afterEach(async () => {
    await svc.close();
  });

  it('when the only admin removes their own admin role, then 409 LAST_ADMIN; after promoting someone else, then they can', async () => {
    const admin = await svc.signInAdmin();
    const successor = await svc.newUser('successor');
    const demoteSelf = () =>
      request(svc.app)
        .patch(`/api/users/${admin.id}/roles`)
        .set('authorization', bearer(admin.accessToken))
        .send({ roles: ['organizer', 'attendee'] });

    const refused = await demoteSelf();
    expect(await svc.enabledAdminCount()).toBe(1);
    await request(svc.app)
      .patch(`/api/users/${successor.id}/roles`)
      .set('authorization', bearer(admin.accessToken))
      .send({ roles: ['admin', 'attendee'] })
      .expect(200);
    const allowed = await demoteSelf();

    expectProblem(refused, 409, 'LAST_ADMIN');
    expect(allowed.status).toBe(200);
    expect(allowed.body.roles).toEqual(['organizer', 'attendee']);
    expect(await svc.enabledAdminCount()).toBe(1);
  });

  it('when a demoted admin uses their still-valid access token to demote the only remaining admin, then it is refused and an admin remains', async () => {
    const first = await svc.signInAdmin();
    const second = await svc.newUser('second-admin');
    await request(svc.app)
      .patch(`/api/users/${second.id}/roles`)
      .set('authorization', bearer(first.accessToken))
      .send({ roles: ['admin', 'attendee'] })
      .expect(200);
    const secondAdmin = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200);
    // The second admin removes the first one's admin role; the first one's access token still says admin.
    await request(svc.app)
      .patch(`/api/users/${first.id}/roles`)
      .set('authorization', bearer(secondAdmin.body.accessToken))
      .send({ roles: ['attendee'] })
      .expect(200);

    const retaliation = await request(svc.app)
      .patch(`/api/users/${second.id}/roles`)
      .set('authorization', bearer(first.accessToken))
      .send({ roles: ['attendee'] });

    expect(await svc.enabledAdminCount(), 'enabled admins left after the stale-token demotion').toBe(1);
    expect([403, 409], 'status of the stale-token demotion').toContain(retaliation.status);
  });

  it('when a disabled admin uses their still-valid access token to disable the only remaining admin, then it is refused and an enabled admin remains', async () => {
    const first = await svc.signInAdmin();
    const second = await svc.newUser('second-admin');
    await request(svc.app)
      .patch(`/api/users/${second.id}/roles`)
      .set('authorization', bearer(first.accessToken))
      .send({ roles: ['admin', 'attendee'] })
      .expect(200);
    const secondAdmin = await request(svc.app).post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200);
    // The second admin disables the first one; the first one's access token is still valid for minutes.
    await request(svc.app).post(`/api/users/${first.id}/disable`).set('authorization', bearer(secondAdmin.body.accessToken)).expect(200);

    const retaliation = await request(svc.app).post(`/api/users/${second.id}/disable`).set('authorization', bearer(first.accessToken));

    expect(await svc.enabledAdminCount(), 'enabled admins left after the stale-token disable').toBe(1);
    // 401 once the service has taken the first admin into its set of disabled users, 403/409 from the admin rows before.
    expect([401, 403, 409], 'status of the stale-token disable').toContain(retaliation.status);
  });
});
