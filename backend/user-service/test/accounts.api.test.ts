import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { type loadKeyStore } from '../src/keys/key-store.js';
import type { UsersDb } from '../src/db/schema.js';
import { startUserService } from './user-service.fixture.js';

const uniqueEmail = () => `User.${randomBytes(4).toString('hex')}@Example.COM`;
const password = 'correct horse battery staple';

describe('accounts API', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;
  let keys: Awaited<ReturnType<typeof loadKeyStore>>;
  const adminEmail = `admin.${randomBytes(3).toString('hex')}@example.com`;

  beforeAll(async () => {
    env = await createTestEnv();
    ({ app, sdb, keys, stop } = await startUserService(env, { admin: { email: adminEmail, password: 'admin password 123' } }));
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when someone signs up, then the account is an attendee with a normalised email and user.registered.v1 is in the outbox', async () => {
    const email = uniqueEmail();
    const res = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Ada' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^usr_/),
      email: email.toLowerCase(),
      displayName: 'Ada',
      roles: ['attendee'],
      emailVerified: false,
      locale: null,
      timeZone: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('hash');
    const { rows } = await sql<{ type: string; envelope: { data: Record<string, unknown> } }>`
      select type, envelope from ${sql.id(sdb.schema, 'outbox')} where envelope->>'subject' = ${res.body.id}`.execute(sdb.db);
    // The account, and the verification mail asked of the notification-service.
    expect(rows.map((r) => r.type).sort()).toEqual(['account.mail_requested.v1', 'user.registered.v1']);
    expect(JSON.stringify(rows.map((r) => r.envelope))).not.toContain(password);
  });

  it('when someone changes their display name, then user.updated.v1 carries the new profile; an unchanged name publishes nothing', async () => {
    const email = uniqueEmail();
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Ada' }).expect(201);
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    const updates = async () =>
      (
        await sql<{ type: string; envelope: { data: Record<string, unknown> } }>`
          select type, envelope from ${sql.id(sdb.schema, 'outbox')}
           where envelope->>'subject' = ${reg.body.id} and type = 'user.updated.v1' order by seq`.execute(sdb.db)
      ).rows;

    await request(app).patch('/api/users/me').set(auth).send({ displayName: 'Ada Lovelace' }).expect(200);
    await request(app).patch('/api/users/me').set(auth).send({ displayName: 'Ada Lovelace' }).expect(200);
    const rows = await updates();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.envelope.data).toMatchObject({ userId: reg.body.id, email: email.toLowerCase(), displayName: 'Ada Lovelace' });
  });

  it('when the same email signs up again in another case, then the answer is 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    await request(app).post('/api/auth/register').send({ email, password, displayName: 'First' }).expect(201);
    const again = await request(app).post('/api/auth/register').send({ email: email.toUpperCase(), password, displayName: 'Second' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EMAIL_TAKEN');
  });

  it('when the password is shorter than 12 characters, then sign-up is refused with the field named', async () => {
    const res = await request(app).post('/api/auth/register').send({ email: uniqueEmail(), password: 'short', displayName: 'X' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.password' })]);
  });

  it('when a user signs in, then the access token verifies against the published JWKS with the contract claims', async () => {
    const email = uniqueEmail();
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Grace' });
    const login = await request(app).post('/api/auth/login').send({ email, password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    const jwks = await request(app).get('/api/auth/.well-known/jwks.json').expect(200);
    expect(JSON.stringify(jwks.body)).not.toContain('"d"');
    const { payload, protectedHeader } = await jwtVerify(login.body.accessToken, createLocalJWKSet(jwks.body), {
      issuer: 'secureevent',
      audience: 'secureevent-api',
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: keys.kid });
    expect(payload).toMatchObject({ sub: reg.body.id, roles: ['attendee'] });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toBeTruthy();

    const me = await request(app).get('/api/users/me').set('authorization', `Bearer ${login.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(reg.body.id);
  });

  it('when the password is wrong or the account unknown, then both get the same 401', async () => {
    const email = uniqueEmail();
    await request(app).post('/api/auth/register').send({ email, password, displayName: 'Linus' });
    const wrong = await request(app).post('/api/auth/login').send({ email, password: 'not the password at all' });
    const unknown = await request(app).post('/api/auth/login').send({ email: uniqueEmail(), password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('when ADMIN_EMAIL and ADMIN_PASSWORD are configured, then that admin can sign in with the admin role', async () => {
    const login = await request(app).post('/api/auth/login').send({ email: adminEmail, password: 'admin password 123' });
    expect(login.status).toBe(200);
    const me = await request(app).get('/api/users/me').set('authorization', `Bearer ${login.body.accessToken}`);
    expect(me.body.roles).toContain('admin');
  });
});
