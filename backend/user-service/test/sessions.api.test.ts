import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { UsersDb } from '../src/db/schema.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';
const cookieOf = (res: request.Response) => {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('se_refresh='));
  return raw;
};
const tokenFromCookie = (raw: string | undefined) => raw?.split(';')[0]?.slice('se_refresh='.length) ?? '';
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('sessions: refresh rotation, replay detection and sign-out', () => {
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
    const email = `s.${randomBytes(5).toString('hex')}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Session user' }).expect(201);
    return { email, id: reg.body.id as string };
  }

  it('when a browser signs in, then the refresh token is an httpOnly, Secure, SameSite=Strict cookie scoped to /api/auth and not in the body', async () => {
    const { email } = await newUser();
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const cookie = cookieOf(login);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/i);
    expect(login.body.refreshToken).toBeUndefined();
    expect(login.headers['cache-control']).toBe('no-store');
  });

  it('when the refresh cookie is used, then a new access token and a different refresh token are issued', async () => {
    const { email, id } = await newUser();
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const first = tokenFromCookie(cookieOf(login));
    const refreshed = await request(app).post('/api/auth/refresh').set('cookie', `se_refresh=${first}`).expect(200);
    const second = tokenFromCookie(cookieOf(refreshed));
    expect(second).not.toBe(first);
    expect(second).not.toBe('');
    expect(payloadOf(refreshed.body.accessToken).sub).toBe(id);
    expect(refreshed.body.refreshToken).toBeUndefined();
  });

  it('when a non-browser client asks for body delivery, then it can refresh with the token in the body and gets the next one in the body', async () => {
    const { email } = await newUser();
    const login = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    expect(login.body.refreshToken).toMatch(/^rft_/);
    const refreshed = await request(app).post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200);
    expect(refreshed.body.refreshToken).toMatch(/^rft_/);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
  });

  it('when an already-used refresh token is replayed after the grace window, then the whole family is revoked and audited', async () => {
    const { email, id } = await newUser();
    const login = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const stolen = login.body.refreshToken as string;
    const legit = await request(app).post('/api/auth/refresh').send({ refreshToken: stolen }).expect(200);
    // Age the first use past the grace window, as if the thief replays it minutes later.
    await sdb.db
      .updateTable('refresh_tokens')
      .set({ used_at: new Date(Date.now() - 60_000) })
      .where('id', '=', stolen.split('.')[0]!)
      .execute();

    const replay = await request(app).post('/api/auth/refresh').send({ refreshToken: stolen });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('UNAUTHENTICATED');
    // The legitimate holder's newer token is now dead too: the family is gone.
    const victim = await request(app).post('/api/auth/refresh').send({ refreshToken: legit.body.refreshToken });
    expect(victim.status).toBe(401);

    const { rows } = await sql<{ envelope: { data: { action: string; targetId: string; outcome: string } } }>`
      select envelope from ${sql.id(sdb.schema, 'outbox')} where type = 'audit.recorded.v1' and envelope->'data'->>'action' = 'auth.refresh_reuse'`.execute(
      sdb.db,
    );
    expect(rows.map((r) => r.envelope.data)).toEqual([expect.objectContaining({ targetId: id, outcome: 'failure' })]);
  });

  it('when two tabs of one browser refresh with the same token at once, then both get the same successor and the session lives on', async () => {
    const { email } = await newUser();
    const login = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const token = login.body.refreshToken as string;
    const [a, b] = await Promise.all([
      request(app).post('/api/auth/refresh').set('user-agent', 'tab browser').send({ refreshToken: token }),
      request(app).post('/api/auth/refresh').set('user-agent', 'tab browser').send({ refreshToken: token }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).toMatch(/^rft_/);
    expect(b.body.refreshToken).toBe(a.body.refreshToken);
    // The shared successor still works: the race inside the grace window revoked nothing.
    await request(app).post('/api/auth/refresh').set('user-agent', 'tab browser').send({ refreshToken: a.body.refreshToken }).expect(200);
  });

  it('when an attacker refreshes a stolen token and uses the successor, then the victim presenting the old token revokes the whole family', async () => {
    const { email, id } = await newUser();
    const login = await request(app)
      .post('/api/auth/login')
      .set('user-agent', 'victim browser')
      .send({ email, password, tokenDelivery: 'body' })
      .expect(200);
    const r1 = login.body.refreshToken as string;
    const r2 = await request(app).post('/api/auth/refresh').set('user-agent', 'attacker tool').send({ refreshToken: r1 }).expect(200);
    const r3 = await request(app)
      .post('/api/auth/refresh')
      .set('user-agent', 'attacker tool')
      .send({ refreshToken: r2.body.refreshToken })
      .expect(200);

    // Two seconds later, well inside the grace window, the victim's tab presents R1.
    const victim = await request(app).post('/api/auth/refresh').set('user-agent', 'victim browser').send({ refreshToken: r1 });

    expect(victim.status).toBe(401);
    expect(victim.body.code).toBe('UNAUTHENTICATED');
    const attacker = await request(app)
      .post('/api/auth/refresh')
      .set('user-agent', 'attacker tool')
      .send({ refreshToken: r3.body.refreshToken });
    expect(attacker.status, "R2's successor after the victim's reuse").toBe(401);
    const { rows } = await sql<{ reason: string | null }>`
      select distinct revoke_reason as reason from ${sql.id(sdb.schema, 'refresh_tokens')} where user_id = ${id}`.execute(sdb.db);
    expect(rows).toEqual([{ reason: 'reuse_detected' }]);
  });

  it('when a token is refreshed by another client and the owner presents it inside the grace window, then the family is revoked even though the successor is unused', async () => {
    const { email } = await newUser();
    const login = await request(app)
      .post('/api/auth/login')
      .set('user-agent', 'victim browser')
      .send({ email, password, tokenDelivery: 'body' })
      .expect(200);
    const r1 = login.body.refreshToken as string;
    const r2 = await request(app).post('/api/auth/refresh').set('user-agent', 'attacker tool').send({ refreshToken: r1 }).expect(200);

    const victim = await request(app).post('/api/auth/refresh').set('user-agent', 'victim browser').send({ refreshToken: r1 });

    expect(victim.status).toBe(401);
    expect(victim.body.refreshToken).toBeUndefined();
    await request(app)
      .post('/api/auth/refresh')
      .set('user-agent', 'attacker tool')
      .send({ refreshToken: r2.body.refreshToken })
      .expect(401);
  });

  it('when the same client presents a token whose successor it has already used, then the family is revoked', async () => {
    const { email } = await newUser();
    const login = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const r1 = login.body.refreshToken as string;
    const r2 = await request(app).post('/api/auth/refresh').send({ refreshToken: r1 }).expect(200);
    const r3 = await request(app).post('/api/auth/refresh').send({ refreshToken: r2.body.refreshToken }).expect(200);

    await request(app).post('/api/auth/refresh').send({ refreshToken: r1 }).expect(401);

    await request(app).post('/api/auth/refresh').send({ refreshToken: r3.body.refreshToken }).expect(401);
  });

  it('when a user signs out, then that session can no longer refresh but another session still can', async () => {
    const { email } = await newUser();
    const one = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const two = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const out = await request(app).post('/api/auth/logout').send({ refreshToken: one.body.refreshToken });
    expect(out.status).toBe(204);
    expect(cookieOf(out)).toMatch(/se_refresh=;/);
    await request(app).post('/api/auth/refresh').send({ refreshToken: one.body.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').send({ refreshToken: two.body.refreshToken }).expect(200);
  });

  it('when a user signs out everywhere, then no session can refresh', async () => {
    const { email } = await newUser();
    const one = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const two = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    await request(app).post('/api/auth/logout-all').set('authorization', `Bearer ${two.body.accessToken}`).expect(204);
    await request(app).post('/api/auth/refresh').send({ refreshToken: one.body.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').send({ refreshToken: two.body.refreshToken }).expect(401);
  });

  it('when the password is changed, then the current password is required, other sessions end and this one continues', async () => {
    const { email } = await newUser();
    const other = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    const mine = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const myCookie = tokenFromCookie(cookieOf(mine));
    const auth = { authorization: `Bearer ${mine.body.accessToken}` };

    const wrong = await request(app)
      .patch('/api/users/me')
      .set(auth)
      .send({ currentPassword: 'not my password!', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'body.currentPassword' })]);

    const changed = await request(app)
      .patch('/api/users/me')
      .set(auth)
      .send({ currentPassword: password, newPassword: 'a brand new passphrase', displayName: 'Renamed' });
    expect(changed.status).toBe(200);
    expect(changed.body.displayName).toBe('Renamed');

    await request(app).post('/api/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(401);
    await request(app).post('/api/auth/refresh').set('cookie', `se_refresh=${myCookie}`).expect(200);
    await request(app).post('/api/auth/login').send({ email, password }).expect(401);
    await request(app).post('/api/auth/login').send({ email, password: 'a brand new passphrase' }).expect(200);
  });

  it('when a common password is chosen, then sign-up is refused with a reason on the password field', async () => {
    const res = await request(app)
      .post('/api/auth/register')
      .send({ email: `c.${randomBytes(4).toString('hex')}@example.com`, password: 'Qwerty123456', displayName: 'C' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.password', message: expect.stringContaining('common') }]);
  });
});
