import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AccountMailRequestedV1 } from '@secureevent/contracts';
import type { UsersDb } from '../src/db/schema.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';
const newPassword = 'a brand new passphrase';
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('mailed links: password reset and email verification', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    ({ app, sdb, stop } = await startUserService(env));
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  async function newUser(lang?: string) {
    const email = `m.${randomBytes(5).toString('hex')}@example.com`;
    const req = request(app).post('/api/auth/register');
    if (lang) req.set('accept-language', lang);
    const reg = await req.send({ email, password, displayName: 'Mail user' }).expect(201);
    return { email, id: reg.body.id as string };
  }

  /** The account mails requested for a user so far, oldest first (what the notification-service will send). */
  async function mailsOf(userId: string): Promise<AccountMailRequestedV1[]> {
    const { rows } = await sql<{ envelope: { data: AccountMailRequestedV1 } }>`
      select envelope from ${sql.id(sdb.schema, 'outbox')}
      where type = 'account.mail_requested.v1' and envelope->>'subject' = ${userId} order by created_at, id`.execute(sdb.db);
    return rows.map((r) => r.envelope.data);
  }
  /** Waits for the reset request that runs after the 202 to write its mail. */
  async function mailOfKind(userId: string, kind: AccountMailRequestedV1['kind'], count = 1) {
    for (let i = 0; i < 100; i++) {
      const found = (await mailsOf(userId)).filter((m) => m.kind === kind);
      if (found.length >= count) return found[count - 1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${kind} mail for ${userId}`);
  }
  const tokenIn = (mail: AccountMailRequestedV1) => /#token=(.+)$/.exec(mail.link ?? '')?.[1] ?? '';
  const auditActions = async (userId: string) => {
    const { rows } = await sql<{ action: string; outcome: string }>`
      select envelope->'data'->>'action' as action, envelope->'data'->>'outcome' as outcome from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'targetId' = ${userId} order by created_at, id`.execute(sdb.db);
    return rows;
  };

  it('when someone signs up, then a verification link is mailed in their language, and following it marks the address verified once', async () => {
    const { id, email } = await newUser('de-DE,de;q=0.9');
    const mail = await mailOfKind(id, 'email_verification');
    expect(mail).toMatchObject({
      to: { address: email, name: 'Mail user' },
      locale: 'de',
      link: expect.stringMatching(/^\/verify-email#token=atk_/),
    });
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    expect(payloadOf(login.body.accessToken).email_verified).toBe(false);
    const me = await request(app).get('/api/users/me').set('authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body.emailVerified).toBe(false);

    await request(app)
      .post('/api/auth/verify-email')
      .send({ token: tokenIn(mail) })
      .expect(204);

    const again = await request(app)
      .post('/api/auth/verify-email')
      .send({ token: tokenIn(mail) });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('INVALID_TOKEN');
    const after = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    expect(payloadOf(after.body.accessToken).email_verified).toBe(true);
    expect((await auditActions(id)).map((a) => a.action)).toContain('user.email_verified');
  });

  it('when a verification link is resent, then only the newest link works', async () => {
    const { id, email } = await newUser();
    const first = await mailOfKind(id, 'email_verification');
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    await request(app).post('/api/users/me/email-verification').set('authorization', `Bearer ${login.body.accessToken}`).expect(202);
    const second = await mailOfKind(id, 'email_verification', 2);
    expect(tokenIn(second)).not.toBe(tokenIn(first));
    await request(app)
      .post('/api/auth/verify-email')
      .send({ token: tokenIn(first) })
      .expect(400);
    await request(app)
      .post('/api/auth/verify-email')
      .send({ token: tokenIn(second) })
      .expect(204);
  });

  it('when a reset is asked for a known and an unknown email, then both get the same 202 and only the known account gets a mail', async () => {
    const { id, email } = await newUser();
    const known = await request(app).post('/api/auth/password-reset').send({ email });
    const unknown = await request(app)
      .post('/api/auth/password-reset')
      .send({ email: `nobody.${randomBytes(4).toString('hex')}@example.com` });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    const mail = await mailOfKind(id, 'password_reset');
    expect(mail.link).toMatch(/^\/reset-password#token=atk_[0-9a-z]{25}\.[A-Za-z0-9_-]{43}$/);
    const minutes = (Date.parse(mail.expiresAt!) - Date.parse(mail.requestedAt)) / 60_000;
    expect(minutes).toBeCloseTo(30, 0);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(sdb.schema, 'outbox')} where type = 'account.mail_requested.v1' and envelope->'data'->>'kind' = 'password_reset'
      and envelope->'data'->'to'->>'address' like 'nobody.%'`.execute(sdb.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('when a reset link is followed, then the password changes, every session ends, the change is audited and mailed', async () => {
    const { id, email } = await newUser();
    const session = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    await request(app).post('/api/auth/password-reset').send({ email }).expect(202);
    const token = tokenIn(await mailOfKind(id, 'password_reset'));

    await request(app).post('/api/auth/password-reset/confirm').send({ token, password: newPassword }).expect(204);

    await request(app).post('/api/auth/refresh').send({ refreshToken: session.body.refreshToken }).expect(401);
    await request(app).post('/api/auth/login').send({ email, password }).expect(401);
    const login = await request(app).post('/api/auth/login').send({ email, password: newPassword }).expect(200);
    // Following a link mailed to the address proves it.
    expect(payloadOf(login.body.accessToken).email_verified).toBe(true);
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining([
        { action: 'user.password_reset_requested', outcome: 'success' },
        { action: 'user.password_reset', outcome: 'success' },
      ]),
    );
    expect((await mailOfKind(id, 'password_changed')).to.address).toBe(email);
  });

  it('when a weak password is given with a reset link, then it is refused and the link still works', async () => {
    const { id, email } = await newUser();
    await request(app).post('/api/auth/password-reset').send({ email }).expect(202);
    const token = tokenIn(await mailOfKind(id, 'password_reset'));
    const weak = await request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'Qwerty123456' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'body.password' })]);
    await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    await request(app).post('/api/auth/password-reset/confirm').send({ token, password: newPassword }).expect(204);
  });

  it('when malformed input is sent, then a problem with the bad field comes back', async () => {
    const res = await request(app).post('/api/auth/password-reset').send({ email: 'not an email' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.email' })]);
    const confirm = await request(app).post('/api/auth/password-reset/confirm').send({ token: 'x', password: newPassword });
    expect(confirm.status).toBe(400);
    expect(confirm.body.errors).toEqual([expect.objectContaining({ field: 'body.token' })]);
  });
});
