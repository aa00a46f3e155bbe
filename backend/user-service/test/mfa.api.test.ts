import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AccountMailRequestedV1, AuditRecordedV1 } from '@secureevent/contracts';
import type { UsersDb } from '../src/db/schema.js';
import { totpCodeAt } from '../src/mfa/totp.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';
/** Each test signs in from its own addresses (TEST-NET-3), so per-IP counters never collide. */
let lastOctet = 0;
const uniqueIp = () => `203.0.113.${++lastOctet}`;
/** The code of the next 30-second step: accepted (one step of drift is allowed) and newer than a code of now. */
const nextCode = (secret: string) => totpCodeAt(secret, Date.now() + 30_000);
const nowCode = (secret: string) => totpCodeAt(secret, Date.now());
/** A well-formed code that is none of the three the server accepts now. */
const wrongCode = (secret: string) => {
  const accepted = [-1, 0, 1, 2].map((d) => totpCodeAt(secret, Date.now() + d * 30_000));
  for (let n = 0; ; n++) {
    const c = String((Number(accepted[0]) + 111_111 * (n + 1)) % 1_000_000).padStart(6, '0');
    if (!accepted.includes(c)) return c;
  }
};

describe('second factor (TOTP)', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;
  let server: Server;

  beforeAll(async () => {
    env = await createTestEnv();
    ({ app, sdb, stop } = await startUserService(env, { registrationsPerHour: 1_000 }));
    server = createServer(app).listen(0);
  });
  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    await stop();
    await env.close();
  });

  async function newUser() {
    const email = `mfa.${randomBytes(5).toString('hex')}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Two-step user' }).expect(201);
    return { email, id: reg.body.id as string };
  }
  const login = (email: string, ip: string, delivery: 'body' | 'cookie' = 'body') =>
    request(app).post('/api/auth/login').set('x-forwarded-for', ip).send({ email, password, tokenDelivery: delivery });
  const loginMfa = (body: Record<string, unknown>, ip: string) =>
    request(server).post('/api/auth/login/mfa').set('x-forwarded-for', ip).send(body);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A user with an enabled authenticator: its secret, recovery codes and an access token. */
  async function userWithTotp() {
    const user = await newUser();
    const ip = uniqueIp();
    const session = (await login(user.email, ip).expect(200)).body as { accessToken: string };
    const setup = await request(app).post('/api/users/me/mfa/totp').set(bearer(session.accessToken)).expect(200);
    const secret = setup.body.secret as string;
    const confirm = await request(app)
      .post('/api/users/me/mfa/totp/confirm')
      .set(bearer(session.accessToken))
      .set('x-forwarded-for', ip)
      .send({ code: nowCode(secret) })
      .expect(200);
    return { ...user, ip, secret, accessToken: session.accessToken, recoveryCodes: confirm.body.recoveryCodes as string[] };
  }

  const outboxOf = async <T>(type: string, subject: string) => {
    const { rows } = await sql<{ data: T }>`
      select envelope->'data' as data from ${sql.id(sdb.schema, 'outbox')}
      where type = ${type} and envelope->>'subject' = ${subject} order by created_at, id`.execute(sdb.db);
    return rows.map((r) => r.data);
  };
  const auditsOf = async (userId: string) => {
    const { rows } = await sql<{ data: AuditRecordedV1 }>`
      select envelope->'data' as data from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'targetId' = ${userId} order by created_at, id`.execute(sdb.db);
    return rows.map((r) => r.data);
  };

  it('when a user sets up and confirms an authenticator, then sign-in asks for a code and the code completes it', async () => {
    const user = await newUser();
    const ip = uniqueIp();
    const session = (await login(user.email, ip).expect(200)).body as { accessToken: string };
    const auth = bearer(session.accessToken);

    const setup = await request(app).post('/api/users/me/mfa/totp').set(auth).expect(200);
    expect(setup.headers['cache-control']).toBe('no-store');
    const secret = setup.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(setup.body.otpauthUrl as string);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(url.pathname)).toContain(user.email);
    // Stored sealed: the database never holds the secret in clear.
    const stored = await sdb.db.selectFrom('mfa_totp').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain(secret);
    expect((await request(app).get('/api/users/me/mfa').set(auth).expect(200)).body).toEqual({
      totp: { enabled: false, pending: true, enabledAt: null },
      recoveryCodesLeft: 0,
      required: false,
    });
    // Pending is not enabled: sign-in still gives tokens at once.
    expect((await login(user.email, ip).expect(200)).body.accessToken).toEqual(expect.any(String));

    const wrong = await request(app)
      .post('/api/users/me/mfa/totp/confirm')
      .set(auth)
      .set('x-forwarded-for', ip)
      .send({ code: wrongCode(secret) });
    expect(wrong.status).toBe(400);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.body.errors).toEqual([{ field: 'body.code', message: 'is not correct' }]);

    const confirm = await request(app)
      .post('/api/users/me/mfa/totp/confirm')
      .set(auth)
      .set('x-forwarded-for', ip)
      .send({ code: nowCode(secret) });
    expect(confirm.status).toBe(200);
    const codes = confirm.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const status = (await request(app).get('/api/users/me/mfa').set(auth).expect(200)).body;
    expect(status).toEqual({
      totp: { enabled: true, pending: false, enabledAt: expect.any(String) },
      recoveryCodesLeft: 10,
      required: false,
    });
    // Only hashes of the recovery codes are kept.
    const hashes = await sdb.db.selectFrom('mfa_recovery_codes').select('code_hash').where('user_id', '=', user.id).execute();
    expect(hashes).toHaveLength(10);
    expect(hashes.map((h) => h.code_hash)).not.toContain(codes[0]);
    expect((await outboxOf<AccountMailRequestedV1>('account.mail_requested.v1', user.id)).map((m) => m.kind)).toContain('mfa_enabled');
    // A second set-up while one is enabled is refused.
    expect((await request(app).post('/api/users/me/mfa/totp').set(auth)).status).toBe(409);

    const first = await login(user.email, ip).expect(200);
    expect(first.body).toEqual({
      mfaRequired: true,
      mfaToken: expect.stringMatching(/^mfa_/),
      methods: ['totp', 'recovery'],
      expiresIn: 300,
    });
    expect(first.body.accessToken).toBeUndefined();
    expect(first.headers['set-cookie']).toBeUndefined();

    const done = await loginMfa({ mfaToken: first.body.mfaToken, code: nextCode(secret) }, ip);
    expect(done.status).toBe(200);
    expect(done.body).toEqual(
      expect.objectContaining({ accessToken: expect.any(String), tokenType: 'Bearer', refreshToken: expect.stringMatching(/^rft_/) }),
    );
    await request(app).get('/api/users/me').set(bearer(done.body.accessToken)).expect(200);
    // The mfaToken is single-use.
    const again = await loginMfa({ mfaToken: first.body.mfaToken, code: nextCode(secret) }, ip);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('INVALID_TOKEN');

    const actions = (await auditsOf(user.id)).map((a) => `${a.action}:${a.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.mfa_setup_started:success',
        'user.mfa_enabled:failure',
        'user.mfa_enabled:success',
        'auth.mfa_login:success',
      ]),
    );
  });

  it('when the browser signs in with a second factor, then the refresh token comes as the cookie, as for a plain sign-in', async () => {
    const user = await userWithTotp();
    const first = await login(user.email, user.ip, 'cookie').expect(200);
    const done = await loginMfa({ mfaToken: first.body.mfaToken, code: nextCode(user.secret) }, user.ip).expect(200);
    expect(done.body.refreshToken).toBeUndefined();
    expect(String(done.headers['set-cookie'])).toMatch(/se_refresh=rft_.*HttpOnly/);
  });

  it('when a code was accepted once, then it is refused again, also the code that confirmed the set-up and a concurrent replay', async () => {
    const user = await userWithTotp();
    // The confirming code is used: it cannot sign in.
    const confirmCode = totpCodeAt(user.secret, Date.now());
    const t1 = (await login(user.email, user.ip).expect(200)).body.mfaToken as string;
    const replayConfirm = await loginMfa({ mfaToken: t1, code: confirmCode }, user.ip);
    // (unless the 30-second step rolled over since, when the code of now is a newer one)
    if (totpCodeAt(user.secret, Date.now()) === confirmCode) expect(replayConfirm.status).toBe(401);

    const code = nextCode(user.secret);
    const t2 = (await login(user.email, user.ip).expect(200)).body.mfaToken as string;
    const t3 = (await login(user.email, user.ip).expect(200)).body.mfaToken as string;
    const [a, b] = await Promise.all([loginMfa({ mfaToken: t2, code }, user.ip), loginMfa({ mfaToken: t3, code }, user.ip)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    const t4 = (await login(user.email, user.ip).expect(200)).body.mfaToken as string;
    const replay = await loginMfa({ mfaToken: t4, code }, user.ip);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_CREDENTIALS');
    const reasons = (await auditsOf(user.id)).filter((a) => a.action === 'auth.mfa_login' && a.outcome === 'failure').map((a) => a.reason);
    expect(reasons).toContain('replayed_code');
  });

  it('when wrong codes are sent, then after 5 the account is locked for that address even with the right code, and a burst gets no more than 5 checks', async () => {
    const user = await userWithTotp();
    const ip = uniqueIp();
    const token = (await login(user.email, ip).expect(200)).body.mfaToken as string;
    for (let i = 0; i < 5; i++) {
      const res = await loginMfa({ mfaToken: token, code: wrongCode(user.secret) }, ip);
      expect(res.status).toBe(401);
    }
    // The token is spent by the wrong codes …
    expect((await loginMfa({ mfaToken: token, code: nextCode(user.secret) }, ip)).body.code).toBe('INVALID_TOKEN');
    // … and a fresh one (the password is still right) meets the lock.
    const fresh = (await login(user.email, ip).expect(200)).body.mfaToken as string;
    const locked = await loginMfa({ mfaToken: fresh, code: nextCode(user.secret) }, ip);
    expect(locked.status).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another address is not locked out by this one.
    const elsewhere = uniqueIp();
    const other = (await login(user.email, elsewhere).expect(200)).body.mfaToken as string;
    expect((await loginMfa({ mfaToken: other, code: nextCode(user.secret) }, elsewhere)).status).toBe(200);

    // A parallel burst against a fresh account: the counter is spent atomically before each check.
    const target = await userWithTotp();
    const burstIp = uniqueIp();
    const tokens = await Promise.all(
      Array.from({ length: 4 }, async () => (await login(target.email, burstIp).expect(200)).body.mfaToken as string),
    );
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginMfa({ mfaToken: tokens[i % 4], code: wrongCode(target.secret) }, burstIp)),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429 || s === 400)).toBe(true);
  });

  it('when a recovery code signs in, then it works once, however it is typed, and its use is audited', async () => {
    const user = await userWithTotp();
    const code = user.recoveryCodes[3]!;
    const t1 = (await login(user.email, user.ip).expect(200)).body.mfaToken as string;
    const ok = await loginMfa({ mfaToken: t1, recoveryCode: ` ${code.toUpperCase().replace('-', ' ')} ` }, user.ip);
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    expect((await request(app).get('/api/users/me/mfa').set(bearer(ok.body.accessToken)).expect(200)).body.recoveryCodesLeft).toBe(9);

    const t2 = (await login(user.email, user.ip).expect(200)).body.mfaToken as string;
    const again = await loginMfa({ mfaToken: t2, recoveryCode: code }, user.ip);
    expect(again.status).toBe(401);
    const audits = await auditsOf(user.id);
    expect(audits.filter((a) => a.action === 'auth.recovery_code_used').map((a) => a.reason)).toEqual(['9 recovery codes left']);
    expect(audits.find((a) => a.reason === 'wrong_recovery_code')).toBeDefined();
    // Never a code in the trail.
    expect(JSON.stringify(audits)).not.toContain(code);
  });

  it('when a user turns the authenticator off, then it needs the password or a code, sign-in gives tokens again and a notice is mailed', async () => {
    const user = await userWithTotp();
    const auth = bearer(user.accessToken);
    const wrong = await request(app)
      .delete('/api/users/me/mfa/totp')
      .set(auth)
      .set('x-forwarded-for', user.ip)
      .send({ currentPassword: 'not my password at all' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'body.currentPassword', message: 'is not correct' }]);
    expect((await request(app).delete('/api/users/me/mfa/totp').set(auth).send({})).status).toBe(400);
    expect((await request(app).get('/api/users/me/mfa').set(auth).expect(200)).body.totp.enabled).toBe(true);

    await request(app)
      .delete('/api/users/me/mfa/totp')
      .set(auth)
      .set('x-forwarded-for', user.ip)
      .send({ currentPassword: password })
      .expect(204);
    expect((await request(app).get('/api/users/me/mfa').set(auth).expect(200)).body).toEqual({
      totp: { enabled: false, pending: false, enabledAt: null },
      recoveryCodesLeft: 0,
      required: false,
    });
    expect((await login(user.email, user.ip).expect(200)).body.accessToken).toEqual(expect.any(String));
    expect((await outboxOf<AccountMailRequestedV1>('account.mail_requested.v1', user.id)).map((m) => m.kind)).toContain('mfa_disabled');
    expect((await request(app).delete('/api/users/me/mfa/totp').set(auth).send({ currentPassword: password })).status).toBe(404);

    // With a code instead of the password.
    const other = await userWithTotp();
    await request(app)
      .delete('/api/users/me/mfa/totp')
      .set(bearer(other.accessToken))
      .set('x-forwarded-for', other.ip)
      .send({ code: nextCode(other.secret) })
      .expect(204);
    expect((await auditsOf(other.id)).filter((a) => a.action === 'user.mfa_disabled').map((a) => a.outcome)).toEqual(['success']);
  });

  it('when another user acts, then they cannot confirm, turn off or complete a sign-in with your factor', async () => {
    const owner = await userWithTotp();
    const stranger = await userWithTotp();
    const strangerAuth = bearer(stranger.accessToken);
    // The stranger's requests concern only their own factor: the owner's code does nothing for them.
    expect(
      (
        await request(app)
          .post('/api/users/me/mfa/totp/confirm')
          .set(strangerAuth)
          .send({ code: nextCode(owner.secret) })
      ).status,
    ).toBe(409);
    const off = await request(app)
      .delete('/api/users/me/mfa/totp')
      .set(strangerAuth)
      .set('x-forwarded-for', stranger.ip)
      .send({ code: wrongCode(stranger.secret) });
    expect(off.status).toBe(400);
    // The owner's mfaToken does not take the stranger's codes.
    const token = (await login(owner.email, owner.ip).expect(200)).body.mfaToken as string;
    expect((await loginMfa({ mfaToken: token, code: nextCode(stranger.secret) }, owner.ip)).status).toBe(401);
    expect((await loginMfa({ mfaToken: token, recoveryCode: stranger.recoveryCodes[0] }, owner.ip)).status).toBe(401);
    expect((await request(app).get('/api/users/me/mfa').set(bearer(owner.accessToken)).expect(200)).body.totp.enabled).toBe(true);
    expect((await request(app).get('/api/users/me/mfa').set(strangerAuth).expect(200)).body.recoveryCodesLeft).toBe(10);
  });

  it('when the input is bad, then a problem+json 400 answers and nothing changes', async () => {
    const user = await userWithTotp();
    const ip = user.ip;
    const token = (await login(user.email, ip).expect(200)).body.mfaToken as string;
    for (const body of [
      { mfaToken: token },
      { mfaToken: token, code: '12345' },
      { mfaToken: token, code: nextCode(user.secret), recoveryCode: user.recoveryCodes[0] },
      { mfaToken: token, code: nextCode(user.secret), extra: 1 },
    ]) {
      const res = await loginMfa(body, ip);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const forged = await loginMfa(
      { mfaToken: `${token.split('.')[0]}.${randomBytes(32).toString('base64url')}`, code: nextCode(user.secret) },
      ip,
    );
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('INVALID_TOKEN');
    expect((await request(app).post('/api/users/me/mfa/totp/confirm').set(bearer(user.accessToken)).send({ code: 'abcdef' })).status).toBe(
      400,
    );
    // The real token still works: none of the above spent it.
    expect((await loginMfa({ mfaToken: token, code: nextCode(user.secret) }, ip)).status).toBe(200);
  });
});

describe('second factor required for a role (MFA_REQUIRED_ROLES)', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    ({ app, sdb, stop } = await startUserService(env, { registrationsPerHour: 1_000, mfaRequiredRoles: ['organizer'] }));
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when an organizer without a factor signs in, then the tokens say set-up is required until one is set up; attendees are not asked', async () => {
    const email = `req.${randomBytes(5).toString('hex')}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Organizer' }).expect(201);
    const attendee = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    expect(attendee.body.mfaSetupRequired).toBeUndefined();

    await sdb.db
      .updateTable('users')
      .set({ roles: ['attendee', 'organizer'] })
      .where('id', '=', reg.body.id)
      .execute();
    const organizer = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    expect(organizer.body).toEqual(
      expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String), mfaSetupRequired: true }),
    );
    const auth = { authorization: `Bearer ${organizer.body.accessToken}` };
    expect((await request(app).get('/api/users/me/mfa').set(auth).expect(200)).body.required).toBe(true);

    const secret = (await request(app).post('/api/users/me/mfa/totp').set(auth).expect(200)).body.secret as string;
    await request(app)
      .post('/api/users/me/mfa/totp/confirm')
      .set(auth)
      .send({ code: nowCode(secret) })
      .expect(200);
    const after = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    expect(after.body).toEqual(expect.objectContaining({ mfaRequired: true }));
    expect(after.body.mfaSetupRequired).toBeUndefined();
  });
});
