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
const sidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;

describe('profile and sessions', () => {
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

  async function newUser() {
    const email = `p.${randomBytes(5).toString('hex')}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Profile user' }).expect(201);
    return { email, id: reg.body.id as string };
  }
  const signIn = async (email: string, userAgent = 'test browser', pw = password) =>
    (
      await request(app)
        .post('/api/auth/login')
        .set('user-agent', userAgent)
        .send({ email, password: pw, tokenDelivery: 'body' })
        .expect(200)
    ).body as { accessToken: string; refreshToken: string };
  const auth = (s: { accessToken: string }) => ({ authorization: `Bearer ${s.accessToken}` });
  const mailsTo = async (address: string) => {
    const { rows } = await sql<{ data: AccountMailRequestedV1 }>`
      select envelope->'data' as data from ${sql.id(sdb.schema, 'outbox')}
      where type = 'account.mail_requested.v1' and envelope->'data'->'to'->>'address' = ${address} order by created_at, id`.execute(sdb.db);
    return rows.map((r) => r.data);
  };

  it('when a user lists their sessions, then each live one shows where it was used and the current one is marked', async () => {
    const { email } = await newUser();
    const laptop = await signIn(email, 'Laptop browser');
    const phone = await signIn(email, 'Phone browser');
    const list = await request(app).get('/api/users/me/sessions').set(auth(phone)).expect(200);
    expect(list.body).toHaveLength(2);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: sidOf(phone.accessToken), userAgent: 'Phone browser', current: true }),
        expect.objectContaining({ id: sidOf(laptop.accessToken), userAgent: 'Laptop browser', current: false }),
      ]),
    );
    await request(app).post('/api/auth/logout').send({ refreshToken: laptop.refreshToken }).expect(204);
    const after = await request(app).get('/api/users/me/sessions').set(auth(phone)).expect(200);
    expect(after.body.map((s: { id: string }) => s.id)).toEqual([sidOf(phone.accessToken)]);
  });

  it('when a user ends one session, then only it stops refreshing; another user’s session id is a 404 and changes nothing', async () => {
    const { email } = await newUser();
    const mine = await signIn(email);
    const other = await signIn(email);
    const stranger = await signIn((await newUser()).email);

    await request(app)
      .delete(`/api/users/me/sessions/${sidOf(other.accessToken)}`)
      .set(auth(mine))
      .expect(204);
    await request(app).post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').send({ refreshToken: mine.refreshToken }).expect(200);

    const foreign = await request(app)
      .delete(`/api/users/me/sessions/${sidOf(stranger.accessToken)}`)
      .set(auth(mine));
    expect(foreign.status).toBe(404);
    await request(app).post('/api/auth/refresh').send({ refreshToken: stranger.refreshToken }).expect(200);
    const bad = await request(app).delete('/api/users/me/sessions/not-a-session').set(auth(mine));
    expect(bad.status).toBe(400);
  });

  it('when a user ends all other sessions, then they stop refreshing and this one goes on', async () => {
    const { email } = await newUser();
    const a = await signIn(email);
    const b = await signIn(email);
    const mine = await signIn(email);
    await request(app).post('/api/users/me/sessions/revoke-others').set(auth(mine)).expect(204);
    await request(app).post('/api/auth/refresh').send({ refreshToken: a.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').send({ refreshToken: b.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').send({ refreshToken: mine.refreshToken }).expect(200);
  });

  it('when the language and time zone are set, then /me returns them; a bad time zone is refused and changes nothing', async () => {
    const { email } = await newUser();
    const s = await signIn(email);
    const ok = await request(app).patch('/api/users/me').set(auth(s)).send({ locale: 'fr', timeZone: 'Europe/Paris' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ locale: 'fr', timeZone: 'Europe/Paris' });
    const bad = await request(app).patch('/api/users/me').set(auth(s)).send({ timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.timeZone' })]);
    const me = await request(app).get('/api/users/me').set(auth(s)).expect(200);
    expect(me.body).toMatchObject({ locale: 'fr', timeZone: 'Europe/Paris' });
    await request(app).patch('/api/users/me').set(auth(s)).send({ locale: null, timeZone: null }).expect(200);
    expect((await request(app).get('/api/users/me').set(auth(s))).body).toMatchObject({ locale: null, timeZone: null });
  });

  it('when the password is changed with POST /me/password, then the current one is checked, other sessions end and a notice is mailed', async () => {
    const { email } = await newUser();
    const other = await signIn(email);
    const mine = await signIn(email);
    const wrong = await request(app)
      .post('/api/users/me/password')
      .set(auth(mine))
      .send({ currentPassword: 'not it at all', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    await request(app)
      .post('/api/users/me/password')
      .set(auth(mine))
      .send({ currentPassword: password, newPassword: 'a brand new passphrase' })
      .expect(204);
    await request(app).post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').send({ refreshToken: mine.refreshToken }).expect(200);
    expect((await mailsTo(email)).map((m) => m.kind)).toContain('password_changed');
  });

  it('when the email is changed, then it applies only after the link mailed to the new address is followed, and the old address is told', async () => {
    const { email, id } = await newUser();
    const s = await signIn(email);
    const newEmail = `new.${randomBytes(5).toString('hex')}@example.com`;
    const noPassword = await request(app).patch('/api/users/me').set(auth(s)).send({ email: newEmail });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.errors).toEqual([expect.objectContaining({ field: 'body.currentPassword' })]);

    const pending = await request(app).patch('/api/users/me').set(auth(s)).send({ email: newEmail, currentPassword: password });
    expect(pending.status).toBe(200);
    expect(pending.body.email).toBe(email);
    const [mail] = await mailsTo(newEmail);
    expect(mail).toMatchObject({ userId: id, kind: 'email_verification' });

    await request(app)
      .post('/api/auth/verify-email')
      .send({ token: /#token=(.+)$/.exec(mail!.link!)![1] })
      .expect(204);
    expect((await request(app).get('/api/users/me').set(auth(s))).body).toMatchObject({ email: newEmail, emailVerified: true });
    expect((await mailsTo(email)).map((m) => m.kind)).toContain('email_change_notice');
    await signIn(newEmail);
    await request(app).post('/api/auth/login').send({ email, password }).expect(401);
  });

  it('when the new email belongs to another account, then 409 and nothing is mailed', async () => {
    const { email } = await newUser();
    const taken = await newUser();
    const s = await signIn(email);
    const res = await request(app).patch('/api/users/me').set(auth(s)).send({ email: taken.email, currentPassword: password });
    expect(res.status).toBe(409);
    expect((await mailsTo(taken.email)).filter((m) => m.userId !== taken.id)).toEqual([]);
  });
});
