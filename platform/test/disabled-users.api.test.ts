import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { future, startTestPlatform, USER_PASSWORD, type TestPlatform } from './test-platform.js';

/** A disabled account is refused by every service as soon as user.disabled.v1 is handled, not when its tokens expire. */
describe('platform: disabling and enabling a user', () => {
  let t: TestPlatform;
  let platform: TestPlatform['platform'];
  let admin: TestPlatform['admin'];
  let base: string;
  const password = USER_PASSWORD;

  beforeAll(async () => {
    t = await startTestPlatform('platform-disabled');
    ({ platform, admin } = t);
    ({ base } = await t.listen());
  });
  afterAll(() => t.stop());

  /** The answer to a WebSocket `auth` frame: `ready` or an `error`. */
  async function wsAuth(token: string): Promise<string> {
    const ws = new WebSocket(`ws://${base}/ws`);
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const answer = new Promise<string>((resolve) =>
        ws.on('message', (d: Buffer) => {
          const frame = JSON.parse(d.toString('utf8')) as { type: string; code?: string };
          if (frame.type === 'ready' || frame.type === 'error') resolve(frame.type === 'ready' ? 'ready' : `error ${frame.code}`);
        }),
      );
      ws.send(JSON.stringify({ type: 'auth', token }));
      return await answer;
    } finally {
      ws.terminate();
    }
  }

  it('when an admin disables a user, then every service refuses their still-valid token with 401, and after enabling they work again', async () => {
    const { app } = platform;
    const adminLogin = await request(app).post('/api/auth/login').send(admin).expect(200);
    const asAdmin = { authorization: `Bearer ${adminLogin.body.accessToken}` };
    const event = await t.createEvent(adminLogin.body.accessToken, {
      title: 'Town hall',
      venue: 'Hall',
      startsAt: future(5),
      endsAt: future(5.1),
    });
    const other = await t.createEvent(adminLogin.body.accessToken, {
      title: 'Offsite',
      venue: 'Lake',
      startsAt: future(6),
      endsAt: future(6.1),
    });

    // The user is an admin too, so the audit-service's routes can be asked as well.
    const email = `disabled.${Date.now()}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Soon disabled' }).expect(201);
    await request(app)
      .patch(`/api/users/${reg.body.id}/roles`)
      .set(asAdmin)
      .send({ roles: ['admin', 'attendee'] })
      .expect(200);
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const asUser = { authorization: `Bearer ${login.body.accessToken}` };
    const reads = (auth: { authorization: string }) =>
      Promise.all([
        request(app).get('/api/registrations/mine').set(auth), // event-service
        request(app).get('/api/notifications').set(auth), // notification-service
        request(app).get('/api/audit').set(auth), // audit-service
        request(app).get('/api/users').set(auth), // user-service
      ]).then((all) => all.map((r) => r.status));
    expect(await reads(asUser)).toEqual([200, 200, 200, 200]);
    expect(await wsAuth(login.body.accessToken)).toBe('ready');

    await request(app).post(`/api/users/${reg.body.id}/disable`).set(asAdmin).expect(200);

    // Each service hears user.disabled.v1 through its own queue.
    await vi.waitFor(async () => expect(await reads(asUser)).toEqual([401, 401, 401, 401]), { timeout: 20_000, interval: 100 });
    const registration = await request(app).post(`/api/events/${event.id}/registrations`).set(asUser).send({});
    expect(registration.status).toBe(401);
    expect(registration.body.code).toBe('UNAUTHENTICATED');
    expect(registration.body.detail).toBe('This account has been disabled.');
    expect(await wsAuth(login.body.accessToken)).toBe('error UNAUTHORIZED');
    const attendees = await request(app).get(`/api/events/${event.id}/registrations`).set(asAdmin).expect(200);
    expect(JSON.stringify(attendees.body)).not.toContain(reg.body.id);

    await request(app).post(`/api/users/${reg.body.id}/enable`).set(asAdmin).expect(200);

    const again = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const asUserAgain = { authorization: `Bearer ${again.body.accessToken}` };
    await vi.waitFor(async () => expect(await reads(asUserAgain)).toEqual([200, 200, 200, 200]), { timeout: 20_000, interval: 100 });
    await request(app).post(`/api/events/${other.id}/registrations`).set(asUserAgain).send({}).expect(201);
    expect(await wsAuth(again.body.accessToken)).toBe('ready');
  });
});
