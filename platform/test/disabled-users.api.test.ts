import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { AttachedUpgrades } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { loadPlatformConfig } from '../src/config.js';
import { startPlatform, type Platform } from '../src/platform.js';

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A disabled account is refused by every service as soon as user.disabled.v1 is handled, not when its tokens expire. */
describe('platform: disabling and enabling a user', () => {
  let env: TestEnv;
  let platform: Platform;
  let server: http.Server;
  let upgrades: AttachedUpgrades;
  let base: string;
  let dataDir: string;
  const admin = { email: 'admin@secureevent.test', password: 'a long and unusual passphrase' };
  const password = 'a long user password';

  beforeAll(async () => {
    env = await createTestEnv();
    dataDir = mkdtempSync(path.join(tmpdir(), 'secureevent-platform-disabled-'));
    const config = loadPlatformConfig({ DATA_DIR: dataDir, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, SPA_DIR: dataDir });
    platform = await startPlatform(config, env.logger, { database: env.database, transport: env.transport, cache: env.adapters.cache });
    server = http.createServer(platform.app);
    upgrades = platform.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await upgrades?.closeAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform?.stop();
    await env.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

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
    const event = await request(app)
      .post('/api/events')
      .set(asAdmin)
      .send({ title: 'Town hall', startsAt: future(5), endsAt: future(5.1), timeZone: 'UTC', venue: 'Hall', capacity: 50 })
      .expect(201);
    await request(app).post(`/api/events/${event.body.id}/publish`).set(asAdmin).expect(200);
    const other = await request(app)
      .post('/api/events')
      .set(asAdmin)
      .send({ title: 'Offsite', startsAt: future(6), endsAt: future(6.1), timeZone: 'UTC', venue: 'Lake', capacity: 50 })
      .expect(201);
    await request(app).post(`/api/events/${other.body.id}/publish`).set(asAdmin).expect(200);

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
    const registration = await request(app).post(`/api/events/${event.body.id}/registrations`).set(asUser).send({});
    expect(registration.status).toBe(401);
    expect(registration.body.code).toBe('UNAUTHENTICATED');
    expect(registration.body.detail).toBe('This account has been disabled.');
    expect(await wsAuth(login.body.accessToken)).toBe('error UNAUTHORIZED');
    const attendees = await request(app).get(`/api/events/${event.body.id}/registrations`).set(asAdmin).expect(200);
    expect(JSON.stringify(attendees.body)).not.toContain(reg.body.id);

    await request(app).post(`/api/users/${reg.body.id}/enable`).set(asAdmin).expect(200);

    const again = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    const asUserAgain = { authorization: `Bearer ${again.body.accessToken}` };
    await vi.waitFor(async () => expect(await reads(asUserAgain)).toEqual([200, 200, 200, 200]), { timeout: 20_000, interval: 100 });
    await request(app).post(`/api/events/${other.body.id}/registrations`).set(asUserAgain).send({}).expect(201);
    expect(await wsAuth(again.body.accessToken)).toBe('ready');
  });
});
