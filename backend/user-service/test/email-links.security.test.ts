import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { UsersDb } from '../src/db/schema.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';

describe('mailed links: replay, expiry and guessing', () => {
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

  async function resetTokenFor() {
    const email = `r.${randomBytes(5).toString('hex')}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Reset user' }).expect(201);
    await request(app).post('/api/auth/password-reset').send({ email }).expect(202);
    for (let i = 0; i < 100; i++) {
      const { rows } = await sql<{ link: string }>`
        select envelope->'data'->>'link' as link from ${sql.id(sdb.schema, 'outbox')}
        where type = 'account.mail_requested.v1' and envelope->>'subject' = ${reg.body.id as string}
        and envelope->'data'->>'kind' = 'password_reset'`.execute(sdb.db);
      if (rows[0]) return { email, id: reg.body.id as string, token: rows[0].link.split('#token=')[1]! };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no reset mail');
  }

  it('when a used reset token is replayed, then it is refused, the password stays the one set first, and the replay is audited', async () => {
    const { email, id, token } = await resetTokenFor();
    await request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'the first new passphrase' }).expect(204);

    const replay = await request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'the attackers passphrase' });

    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('INVALID_TOKEN');
    await request(app).post('/api/auth/login').send({ email, password: 'the attackers passphrase' }).expect(401);
    await request(app).post('/api/auth/login').send({ email, password: 'the first new passphrase' }).expect(200);
    const { rows } = await sql<{ reason: string }>`
      select envelope->'data'->>'reason' as reason from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'action' = 'user.password_reset' and envelope->'data'->>'outcome' = 'failure'
      and (envelope->'data'->>'targetId' = ${id} or envelope->'data'->>'targetId' is null)`.execute(sdb.db);
    expect(rows.length).toBeGreaterThanOrEqual(1);
  });

  it('when one reset token is presented twice at once, then exactly one new password is set', async () => {
    const { email, token } = await resetTokenFor();
    const [a, b] = await Promise.all([
      request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'parallel passphrase one' }),
      request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'parallel passphrase two' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([204, 400]);
    const winner = a.status === 204 ? 'parallel passphrase one' : 'parallel passphrase two';
    const loser = a.status === 204 ? 'parallel passphrase two' : 'parallel passphrase one';
    await request(app).post('/api/auth/login').send({ email, password: loser }).expect(401);
    await request(app).post('/api/auth/login').send({ email, password: winner }).expect(200);
  });

  it('when a reset token is older than 30 minutes, then it is refused and the password is unchanged', async () => {
    const { email, token } = await resetTokenFor();
    await sdb.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', token.split('.')[0]!)
      .execute();
    const res = await request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'too late passphrase' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_TOKEN');
    await request(app).post('/api/auth/login').send({ email, password }).expect(200);
  });

  it('when the secret half of a token is wrong, then it is refused and the real token still works', async () => {
    const { token } = await resetTokenFor();
    const [id] = token.split('.');
    const forged = `${id}.${randomBytes(32).toString('base64url')}`;
    await request(app).post('/api/auth/password-reset/confirm').send({ token: forged, password: 'forged passphrase here' }).expect(400);
    await request(app).post('/api/auth/password-reset/confirm').send({ token, password: 'genuine passphrase here' }).expect(204);
  });

  it('when a second reset is asked, then the first link stops working', async () => {
    const first = await resetTokenFor();
    await request(app).post('/api/auth/password-reset').send({ email: first.email }).expect(202);
    for (let i = 0; i < 100; i++) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.id(sdb.schema, 'account_tokens')} where user_id = ${first.id} and purpose = 'password_reset'`.execute(
        sdb.db,
      );
      if (rows[0]!.n >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await request(app).post('/api/auth/password-reset/confirm').send({ token: first.token, password: 'stale link passphrase' }).expect(400);
  });

  it('when the database is read, then no usable token is in it: only a hash of the secret', async () => {
    const { token } = await resetTokenFor();
    const [id, secret] = token.split('.') as [string, string];
    const row = await sdb.db.selectFrom('account_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(secret);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
