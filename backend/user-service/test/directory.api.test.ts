import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@secureevent/contracts';
import type { ServiceDb } from '@secureevent/shared';
import { createTestEnv, type startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { UsersDb } from '../src/db/schema.js';
import { startUserService } from './user-service.fixture.js';

const password = 'correct horse battery staple';

describe('people directory API: co-organizers by name', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<UsersDb>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    ({ app, sdb, stop } = await startUserService(env, { registrationsPerHour: 1_000 }));
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  /** A word no other test's names contain, so that searches see only this test's people. */
  const marker = () => `q${randomBytes(4).toString('hex')}`;

  /** An account with these roles (set as an admin would), signed in. */
  async function person(displayName: string, roles: Role[], opts: { disabled?: boolean; email?: string } = {}) {
    const email = opts.email ?? `u.${randomBytes(5).toString('hex')}@example.com`;
    const res = await request(app).post('/api/auth/register').send({ email, password, displayName }).expect(201);
    const id = res.body.id as string;
    await sdb.db.updateTable('users').set({ roles }).where('id', '=', id).execute();
    const login = await request(app).post('/api/auth/login').send({ email, password, tokenDelivery: 'body' }).expect(200);
    if (opts.disabled) await sdb.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', id).execute();
    return { id, email, auth: { authorization: `Bearer ${login.body.accessToken as string}` } };
  }

  it('when an organizer searches by the start of a name, then only people who may organize come back, with id and name only', async () => {
    const m = marker();
    const me = await person(`Me ${m}x`, ['attendee', 'organizer']);
    const ada = await person(`Ada ${m}`, ['attendee', 'organizer']);
    const admin = await person(`${m} Admin`, ['admin']);
    await person(`Attendee ${m}`, ['attendee']);
    await person(`Gone ${m}`, ['organizer'], { disabled: true });

    const res = await request(app).get('/api/users/search').query({ q: m.toUpperCase() }).set(me.auth);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.items).toEqual([
      { id: ada.id, displayName: `Ada ${m}` },
      { id: me.id, displayName: `Me ${m}x` },
      { id: admin.id, displayName: `${m} Admin` },
    ]);
  });

  it('when someone is searched by the start of their email, then they are found, and the answer still carries no address', async () => {
    const m = marker();
    const me = await person(`Searcher ${m}`, ['organizer']);
    const grace = await person(`Grace ${m}`, ['organizer'], { email: `${m}.grace@example.com` });
    const res = await request(app)
      .get('/api/users/search')
      .query({ q: `${m}.gr` })
      .set(me.auth)
      .expect(200);
    expect(res.body.items).toEqual([{ id: grace.id, displayName: `Grace ${m}` }]);
    expect(JSON.stringify(res.body)).not.toContain('@example.com');
    // Only the start of a word: the middle of one matches nothing.
    expect(
      (
        await request(app)
          .get('/api/users/search')
          .query({ q: m.slice(2) })
          .set(me.auth)
          .expect(200)
      ).body.items,
    ).toEqual([]);
  });

  it('when ids are given, then the names of those who may organize come back, and nobody else is revealed', async () => {
    const m = marker();
    const me = await person(`Me ${m}`, ['organizer']);
    const co = await person(`Co ${m}`, ['organizer']);
    const attendee = await person(`Attendee ${m}`, ['attendee']);
    const res = await request(app)
      .get('/api/users/search')
      .query({ ids: `${co.id},${attendee.id},${me.id}` })
      .set(me.auth)
      .expect(200);
    expect(res.body.items).toEqual([
      { id: co.id, displayName: `Co ${m}` },
      { id: me.id, displayName: `Me ${m}` },
    ]);
  });

  it('when an attendee or nobody asks, then 403 or 401, and a wildcard is matched as itself', async () => {
    const m = marker();
    const attendee = await person(`Plain ${m}`, ['attendee']);
    const res = await request(app).get('/api/users/search').query({ q: m }).set(attendee.auth);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await request(app).get('/api/users/search').query({ q: m })).status).toBe(401);
    const organizer = await person(`Org ${m}`, ['organizer']);
    expect((await request(app).get('/api/users/search').query({ q: '%%' }).set(organizer.auth).expect(200)).body.items).toEqual([]);
  });

  it('when the query is too short, has both or neither of q and ids, or a bad id, then 400 problem+json', async () => {
    const organizer = await person(`Org ${marker()}`, ['organizer']);
    for (const query of [{ q: 'a' }, {}, { q: 'ada', ids: organizer.id }, { ids: 'usr_nope' }, { q: 'ada', limit: '99' }]) {
      const res = await request(app).get('/api/users/search').query(query).set(organizer.auth);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});
