import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecordedV1 } from '@secureevent/contracts';
import type { ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { UsersDb } from '../src/db/schema.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';
const adminPassword = 'admin password 123';

describe('admin API: paging through users and the audit records of account changes', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;
  const adminEmail = `admin.${randomBytes(3).toString('hex')}@example.com`;
  let adminAuth: { authorization: string };

  beforeAll(async () => {
    env = await createTestEnv();
    ({ app, sdb, stop } = await startUserService(env, {
      admin: { email: adminEmail, password: adminPassword },
      registrationsPerHour: 1_000,
    }));
    const login = await request(app)
      .post('/api/auth/login')
      .send({ email: adminEmail, password: adminPassword, tokenDelivery: 'body' })
      .expect(200);
    adminAuth = { authorization: `Bearer ${login.body.accessToken}` };
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  async function signUp(displayName: string) {
    const email = `u.${randomBytes(5).toString('hex')}@example.com`;
    const res = await request(app).post('/api/auth/register').send({ email, password, displayName }).expect(201);
    return { id: res.body.id as string, email };
  }

  async function auditRecords(targetId: string) {
    const { rows } = await sql<{ envelope: { data: AuditRecordedV1 } }>`
      select envelope from ${sql.id(sdb.schema, 'outbox')}
       where type = 'audit.recorded.v1' and envelope->'data'->>'targetId' = ${targetId} order by seq`.execute(sdb.db);
    return rows.map((r) => r.envelope.data);
  }

  it('when users share sign-up instants, then paging by 3 returns each exactly once in (created_at, id) order over 5 pages', async () => {
    const marker = `pager${randomBytes(3).toString('hex')}`;
    const users = [];
    for (let i = 0; i < 13; i++) users.push(await signUp(`${marker} ${i}`));
    // Three instants for thirteen users: every page boundary falls among ties.
    const instants = ['2026-01-01T09:00:00.000Z', '2026-01-01T09:00:01.000Z', '2026-01-01T09:00:02.000Z'];
    for (const [i, u] of users.entries()) {
      await sdb.db
        .updateTable('users')
        .set({ created_at: new Date(instants[i % 3]!) })
        .where('id', '=', u.id)
        .execute();
    }
    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(app)
        .get('/api/users')
        .query({ q: marker, limit: 3, ...(cursor ? { cursor } : {}) })
        .set(adminAuth)
        .expect(200);
      seen.push(...(res.body.items as { id: string; createdAt: string }[]));
      cursor = res.body.nextCursor as string | null;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBe(5);
    const expected = users
      .map((u, i) => ({ id: u.id, createdAt: instants[i % 3]! }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1))
      .map((u) => u.id);
    expect(seen.map((u) => u.id)).toEqual(expected);
  });

  it('when an admin changes roles, then the audit record says from what to what', async () => {
    const user = await signUp('Roles Person');
    await request(app)
      .patch(`/api/users/${user.id}/roles`)
      .set(adminAuth)
      .send({ roles: ['attendee', 'organizer'] })
      .expect(200);
    const [record] = await auditRecords(user.id);
    expect(record).toMatchObject({ action: 'user.roles_changed', outcome: 'success' });
    expect(record!.changes).toEqual([{ field: 'roles', from: ['attendee'], to: ['attendee', 'organizer'] }]);
  });

  it('when an admin disables and enables an account, then each audit record carries the account state change', async () => {
    const user = await signUp('State Person');
    await request(app).post(`/api/users/${user.id}/disable`).set(adminAuth).expect(200);
    await request(app).post(`/api/users/${user.id}/enable`).set(adminAuth).expect(200);
    const records = await auditRecords(user.id);
    expect(records.map((r) => [r.action, r.changes])).toEqual([
      ['user.disabled', [{ field: 'disabled', from: false, to: true }]],
      ['user.enabled', [{ field: 'disabled', from: true, to: false }]],
    ]);
  });

  it('when someone renames themselves and changes their password, then the trail records both, the name only by reference and no password value', async () => {
    const user = await signUp('Old Name');
    const login = await request(app).post('/api/auth/login').send({ email: user.email, password }).expect(200);
    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    const newPassword = 'a much longer new passphrase';
    await request(app).patch('/api/users/me').set(auth).send({ displayName: 'New Name' }).expect(200);
    await request(app).patch('/api/users/me').set(auth).send({ currentPassword: password, newPassword }).expect(200);
    const records = (await auditRecords(user.id)).filter((r) => r.action !== 'auth.login');
    expect(records.map((r) => r.action)).toEqual(['user.profile_updated', 'user.password_changed']);
    const [renamed, passwordChanged] = records;
    expect(renamed!.changes).toHaveLength(1);
    expect(renamed!.changes![0]!.field).toBe('displayName');
    // Personal values travel as keyed references, never in clear.
    expect(renamed!.changes![0]!.from).toEqual({ hmac: expect.any(String), keyId: expect.any(String) });
    expect(renamed!.changes![0]!.to).toEqual({ hmac: expect.any(String), keyId: expect.any(String) });
    expect(renamed!.changes![0]!.from).not.toEqual(renamed!.changes![0]!.to);
    expect(passwordChanged!.changes).toEqual([{ field: 'password', from: null, to: null }]);
    const all = JSON.stringify(records);
    for (const secret of ['Old Name', 'New Name', password, newPassword]) expect(all).not.toContain(secret);
  });
});
