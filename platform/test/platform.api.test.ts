import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, future, startTestPlatform, type TestPlatform } from './test-platform.js';

/** The thin slice through every service, mounted the way `npm start` mounts them. */
describe('platform: one message end to end', () => {
  let t: TestPlatform;
  let platform: TestPlatform['platform'];
  let admin: TestPlatform['admin'];

  beforeAll(async () => {
    t = await startTestPlatform('platform');
    ({ platform, admin } = t);
  });
  afterAll(() => t.stop());

  it('when an admin publishes an event, then it is listed, the organizer is notified once, and the audit chain records it', async () => {
    const { app } = platform;
    const login = await request(app).post('/api/auth/login').send(admin).expect(200);
    const auth = { authorization: `Bearer ${login.body.accessToken}` };

    const created = await request(app)
      .post('/api/events')
      .set(auth)
      .send({ title: 'All-hands', startsAt: future(3), endsAt: future(3.1), timeZone: 'UTC', venue: 'Atrium', capacity: 300 })
      .expect(201);
    await request(app).post(`/api/events/${created.body.id}/publish`).set(auth).expect(200);

    const list = await request(app).get('/api/events').expect(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toContain(created.body.id);

    await vi.waitFor(
      async () => {
        const inbox = await request(app).get('/api/notifications').set(auth).expect(200);
        const about = inbox.body.items.filter((n: { link: string }) => n.link === `/events/${created.body.id}`);
        expect(about).toHaveLength(1);
        expect(about[0].title).toContain('All-hands');
      },
      { timeout: 15_000, interval: 100 },
    );

    await vi.waitFor(
      async () => {
        const trail = await request(app).get('/api/audit').set(auth).expect(200);
        expect(
          trail.body.items.some((e: { type: string; subject: string }) => e.type === 'event.published.v1' && e.subject === created.body.id),
        ).toBe(true);
      },
      { timeout: 15_000, interval: 100 },
    );
    const verify = await request(app).get('/api/audit/verify').set(auth).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBrokenSeq: null });
    expect(verify.body.entries).toBeGreaterThanOrEqual(2);
  });

  it('when another user marks my notification read, then they get 404 and it stays unread', async () => {
    const { app } = platform;
    const adminLogin = await request(app).post('/api/auth/login').send(admin).expect(200);
    const adminAuth = { authorization: `Bearer ${adminLogin.body.accessToken}` };
    const created = await t.createEvent(adminLogin.body.accessToken, { title: 'Ownership check', venue: 'Room 1', capacity: 5 });
    let notificationId = '';
    await vi.waitFor(
      async () => {
        const inbox = await request(app).get('/api/notifications').set(adminAuth).expect(200);
        const n = inbox.body.items.find((i: { link: string }) => i.link === `/events/${created.id}`);
        expect(n).toBeDefined();
        notificationId = n.id;
      },
      { timeout: 15_000, interval: 100 },
    );
    // The platform verifies with the user-service's keys, so a real second user signs up.
    const email = `intruder.${Date.now()}@example.com`;
    await t.signUp(email);
    const res = await request(app)
      .post(`/api/notifications/${notificationId}/read`)
      .set(bearer(await t.signIn(email)));
    expect(res.status).toBe(404);
    const inbox = await request(app).get('/api/notifications').set(adminAuth).expect(200);
    expect(inbox.body.items.find((i: { id: string }) => i.id === notificationId).readAt).toBeNull();
    await request(app).post(`/api/notifications/${notificationId}/read`).set(adminAuth).expect(204);
  });

  it('when /api/docs is requested, then the reference page and every service OpenAPI document are served', async () => {
    const page = await request(platform.app).get('/api/docs').expect(200);
    expect(page.text).toContain('docs-init.js');
    for (const p of ['/api/users/openapi.json', '/api/events/openapi.json', '/api/notifications/openapi.json', '/api/audit/openapi.json']) {
      const doc = await request(platform.app).get(p).expect(200);
      expect(doc.body.openapi).toBe('3.1.0');
    }
  });
});
