import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PlatformHealthDto } from '@secureevent/contracts';
import { connectCache, httpReadinessProbe, type Cache } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, startTcpProxy, testMode, type TcpProxy, type TestEnv } from '@secureevent/shared/testing';
import { auditService } from '@secureevent/audit-service';
import { eventService as eventServiceFor } from '@secureevent/event-service';
import { bearer, startTestPlatform, type TestPlatform } from './test-platform.js';

const SERVICES = ['user-service', 'event-service', 'notification-service', 'audit-service'];

/** The platform's health as the admin overview reads it: every service's own readiness (ADR 0031). */
describe('platform health: the embedded platform asks its services in-process', () => {
  let t: TestPlatform;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestPlatform('platform-health');
    adminToken = await t.signIn(t.admin.email, t.admin.password);
  });
  afterAll(() => t.stop());

  const health = async () =>
    (await request(t.app).get('/api/audit/platform-health').set(bearer(adminToken)).expect(200)).body as PlatformHealthDto;

  it('when an admin asks, then each of the four services is up with its database, broker and cache, its version and uptime', async () => {
    const res = await request(t.app).get('/api/audit/platform-health').set(bearer(adminToken)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as PlatformHealthDto;
    expect(body.status).toBe('up');
    expect(body.services.map((s) => s.name)).toEqual(SERVICES);
    for (const s of body.services) {
      expect(s).toMatchObject({ status: 'up', reason: null, degraded: [], version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect(s.dependencies).toEqual([
        { name: 'database', status: 'up' },
        { name: 'broker', status: 'up' },
        { name: 'cache', status: 'up' },
      ]);
      expect(s.uptimeSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('when someone who is not an admin asks, then 403 (an organizer) or 401 (nobody), as problem+json, naming no service', async () => {
    const organizer = await t.userWithRoles(`health.organizer.${Date.now()}@example.com`, ['organizer', 'attendee']);
    const refused = await request(t.app).get('/api/audit/platform-health').set(bearer(organizer.token)).expect(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const anonymous = await request(t.app).get('/api/audit/platform-health').expect(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const res of [refused, anonymous]) for (const name of SERVICES) expect(res.text).not.toContain(name);
  });

  it('when the broker is cut, then every service is degraded naming the broker, the platform is degraded, and up again once it is back', async () => {
    t.env.cutBroker();
    try {
      await vi.waitFor(
        async () => {
          const body = await health();
          expect(body.status).toBe('degraded');
          for (const s of body.services) {
            expect(s).toMatchObject({ status: 'degraded', degraded: ['broker'] });
            expect(s.dependencies).toContainEqual({ name: 'broker', status: 'down' });
            expect(s.dependencies).toContainEqual({ name: 'database', status: 'up' });
          }
        },
        { timeout: 20_000, interval: 250 },
      );
    } finally {
      t.env.restoreBroker();
    }
    await vi.waitFor(async () => expect((await health()).status).toBe('up'), { timeout: 20_000, interval: 250 });
  });
});

/**
 * The distributed shape: the audit-service asks each service's own /readyz over HTTP, with a
 * short timeout, so a dead or silent service is reported down without holding the answer.
 */
describe('platform health: over HTTP, as in the distributed mode and on Kubernetes', () => {
  let env: TestEnv;
  let audit: { app: Express; booted: { stop(): Promise<void> } };
  let events: { app: Express; booted: { stop(): Promise<void> } };
  let eventsServer: http.Server;
  let silent: net.Server;
  const silentSockets = new Set<net.Socket>();
  let redisProxy: TcpProxy | undefined;
  let cache: Cache | undefined;
  let adminToken: string;
  let deadPort: number;

  beforeAll(async () => {
    env = await createTestEnv();
    const overrides: { cache?: (prefix: string) => Promise<Cache> } = {};
    if (env.mode === 'external') {
      // The event-service's Redis through a proxy the test can cut.
      const redis = new URL(env.redisUrl!);
      redisProxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
      const proxied = new URL(env.redisUrl!);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(redisProxy.port);
      overrides.cache = async (prefix) =>
        (cache = await connectCache({ url: proxied.toString(), prefix: `${env.keyPrefix}${prefix}`, logger: env.logger }));
    }
    events = await startServiceForTest(env, eventServiceFor({ ticketSecret: 'platform-health-ticket-secret-0123456789abcdef' }), overrides);
    eventsServer = http.createServer(events.app);
    await new Promise<void>((resolve) => eventsServer.listen(0, '127.0.0.1', resolve));
    // A port nothing listens on: the service is gone.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    deadPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    // A service that accepts the connection and never answers (a hung process, a black hole).
    silent = net.createServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket)).on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = (server: net.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probes = [
      httpReadinessProbe('event-service', url(eventsServer)),
      httpReadinessProbe('gone-service', `http://127.0.0.1:${deadPort}`),
      httpReadinessProbe('hung-service', url(silent)),
    ];
    audit = await startServiceForTest(env, auditService({ platformHealth: { probes: () => probes, timeoutMs: 1500 } }));
    adminToken = (await env.tokenFor({ roles: ['admin'] })).token;
  });
  afterAll(async () => {
    redisProxy?.restore();
    for (const s of silentSockets) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await new Promise((resolve) => eventsServer?.close(resolve));
    await audit?.booted.stop();
    await events?.booted.stop();
    await cache?.close();
    await redisProxy?.close();
    await env?.close();
  });

  const health = async () =>
    (await request(audit.app).get('/api/audit/platform-health').set(bearer(adminToken)).expect(200)).body as PlatformHealthDto;
  const service = (body: PlatformHealthDto, name: string) => body.services.find((s) => s.name === name);

  it('when one service answers, one is gone and one never answers, then they are up, down (unreachable) and down (timeout), and the platform is down', async () => {
    const body = await health();
    expect(body.status).toBe('down');
    expect(service(body, 'event-service')).toMatchObject({ status: 'up', reason: null, version: expect.any(String) });
    expect(service(body, 'event-service')?.dependencies.map((d) => d.name)).toEqual(['database', 'broker', 'cache']);
    expect(service(body, 'gone-service')).toEqual({
      name: 'gone-service',
      status: 'down',
      reason: 'unreachable',
      dependencies: [],
      degraded: [],
      version: null,
      uptimeSeconds: null,
    });
    expect(service(body, 'hung-service')).toMatchObject({ status: 'down', reason: 'timeout', dependencies: [] });
  });

  it('when a non-admin asks, then 403 and no service is named', async () => {
    const organizer = (await env.tokenFor({ roles: ['organizer'] })).token;
    const res = await request(audit.app).get('/api/audit/platform-health').set(bearer(organizer)).expect(403);
    expect(res.text).not.toContain('event-service');
  });

  it.skipIf(testMode() !== 'external')(
    'when the event-service’s Redis is cut, then it is degraded naming the cache, and up again once Redis is back',
    async () => {
      redisProxy!.cut();
      try {
        await vi.waitFor(
          async () => {
            const s = service(await health(), 'event-service');
            expect(s).toMatchObject({ status: 'degraded', reason: null, degraded: ['cache'] });
            expect(s?.dependencies).toEqual([
              { name: 'database', status: 'up' },
              { name: 'broker', status: 'up' },
              { name: 'cache', status: 'down' },
            ]);
          },
          { timeout: 20_000, interval: 250 },
        );
      } finally {
        redisProxy!.restore();
      }
      await vi.waitFor(async () => expect(service(await health(), 'event-service')?.status).toBe('up'), {
        timeout: 20_000,
        interval: 250,
      });
    },
  );
});
