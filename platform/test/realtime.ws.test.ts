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

/** The embedded launcher's one HTTP server hands `/ws` upgrades to the notification-service. */
describe('platform: WebSocket at /ws in embedded mode', () => {
  let env: TestEnv;
  let platform: Platform;
  let server: http.Server;
  let upgrades: AttachedUpgrades;
  let base: string;
  let dataDir: string;
  const admin = { email: 'admin@secureevent.test', password: 'a long and unusual passphrase' };

  beforeAll(async () => {
    env = await createTestEnv();
    dataDir = mkdtempSync(path.join(tmpdir(), 'secureevent-platform-ws-'));
    const config = loadPlatformConfig({ DATA_DIR: dataDir, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, SPA_DIR: dataDir });
    platform = await startPlatform(config, env.logger, { database: env.database, transport: env.transport, cache: env.adapters.cache });
    server = http.createServer(platform.app);
    upgrades = platform.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await upgrades.closeAll();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.stop();
    await env.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

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
