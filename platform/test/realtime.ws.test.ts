import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { future, startTestPlatform, type TestPlatform } from './test-platform.js';

/** The embedded launcher's one HTTP server hands `/ws` upgrades to the notification-service. */
describe('platform: WebSocket at /ws in embedded mode', () => {
  let t: TestPlatform;
  let platform: TestPlatform['platform'];
  let admin: TestPlatform['admin'];
  let base: string;

  beforeAll(async () => {
    t = await startTestPlatform('platform-ws');
    ({ platform, admin } = t);
    ({ base } = await t.listen());
  });
  afterAll(() => t.stop());

  it('when a signed-in browser watches an event and someone registers, then its seat count arrives over /ws', async () => {
    const login = await request(platform.app).post('/api/auth/login').send(admin).expect(200);
    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    const created = await request(platform.app)
      .post('/api/events')
      .set(auth)
      .send({ title: 'Live demo', startsAt: future(3), endsAt: future(3.1), timeZone: 'UTC', venue: 'Atrium', capacity: 10 })
      .expect(201);
    const eventId = created.body.id as string;
    await request(platform.app).post(`/api/events/${eventId}/publish`).set(auth).expect(200);

    const ws = new WebSocket(`ws://${base}/ws`);
    const frames: { type: string; [k: string]: unknown }[] = [];
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as { type: string }));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'auth', token: login.body.accessToken }));
    await vi.waitFor(() => expect(frames.some((f) => f.type === 'ready')).toBe(true), { timeout: 10_000 });
    // The notification-service learns of the event from its published message.
    await vi.waitFor(
      () => {
        ws.send(JSON.stringify({ type: 'subscribe', room: `event:${eventId}` }));
        expect(frames.some((f) => f.type === 'subscribed')).toBe(true);
      },
      { timeout: 15_000, interval: 200 },
    );

    await request(platform.app).post(`/api/events/${eventId}/registrations`).set(auth).send({}).expect(201);
    await vi.waitFor(
      () => {
        const pushed = frames.find((f) => f.type === 'availability');
        expect(pushed).toMatchObject({ eventId, availability: { capacity: 10, confirmed: 1, seatsLeft: 9 } });
      },
      { timeout: 15_000, interval: 50 },
    );
    ws.terminate();
  });
});
