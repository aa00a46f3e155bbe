import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectCache, newId, type Cache } from '@secureevent/shared';
import { createTestEnv, startTcpProxy, testMode, type TestEnv } from '@secureevent/shared/testing';
import { createSigner, messages, startRealtimeInstance, TestClient } from './realtime.support.js';

type Instance = Awaited<ReturnType<typeof startRealtimeInstance>>;

/**
 * Two notification-service instances (replicas) over one database, one broker and one Redis:
 * each has its own HTTP server, WebSocket clients, consumers and Redis connections, exactly as
 * two processes would. The Redis fan-out only exists with a real Redis, so these run only when
 * the external servers are configured (CI always does).
 */
describe.skipIf(testMode() !== 'external')('real-time across replicas (Redis fan-out)', () => {
  let env: TestEnv;
  let signer: Awaited<ReturnType<typeof createSigner>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let first: Instance;
  let second: Instance;
  const clients: TestClient[] = [];
  const caches: Cache[] = [];

  /** The first replica reaches Redis through a proxy the test can cut; the second directly. */
  beforeAll(async () => {
    env = await createTestEnv();
    signer = await createSigner();
    const redisUrl = new URL(process.env.REDIS_URL!);
    proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const proxied = new URL(redisUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const prefix = `test:rt-${newId('x').slice(2, 12)}:`;
    const cacheVia = (url: string) => async (p: string) => {
      const c = await connectCache({ url, prefix: `${prefix}${p}`, logger: env.logger });
      caches.push(c);
      return c;
    };
    first = await startRealtimeInstance(env, {}, { verifier: signer.verifier, cache: cacheVia(proxied.toString()) });
    second = await startRealtimeInstance(env, {}, { verifier: signer.verifier, cache: cacheVia(redisUrl.toString()) });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await first?.stop();
    await second?.stop();
    for (const c of caches) await c.close().catch(() => undefined);
    await proxy?.close();
    await env?.close();
  });

  const connect = async (instance: Instance, token: string) => {
    const c = await TestClient.open(instance.url);
    clients.push(c);
    await c.auth(token);
    return c;
  };
  const notifyRolesChanged = async (userId: string) => {
    const m = messages.rolesChanged(userId);
    await env.publishRaw(m.type, m);
  };
  const notificationIds = (c: TestClient) => c.frames.flatMap((f) => (f.type === 'notification' ? [f.notification.id] : []));
  /** Publishes one notification for `userId` and waits until its id is on both clients. */
  const publishAndExpectBoth = async (a: TestClient, b: TestClient, userId: string, timeout: number) => {
    const before = new Set([...notificationIds(a), ...notificationIds(b)]);
    await notifyRolesChanged(userId);
    const id = await vi.waitFor(
      () => {
        const fresh = [...notificationIds(a), ...notificationIds(b)].find((n) => !before.has(n));
        if (!fresh) throw new Error('not delivered anywhere yet');
        return fresh;
      },
      { timeout: 10_000, interval: 20 },
    );
    await vi.waitFor(
      () => {
        expect(notificationIds(a)).toContain(id);
        expect(notificationIds(b)).toContain(id);
      },
      { timeout, interval: 20 },
    );
  };

  it('when either replica consumes a message, then clients connected to both replicas receive it', async () => {
    const user = await signer.token({});
    const onFirst = await connect(first, user.token);
    const onSecond = await connect(second, user.token);
    // Both replicas consume the one queue; whichever takes a message, the other's client hears
    // it only through Redis. Several messages make both directions happen.
    for (let i = 1; i <= 6; i++) {
      await notifyRolesChanged(user.id);
      await vi.waitFor(() => expect([notificationIds(onFirst).length, notificationIds(onSecond).length]).toEqual([i, i]), {
        timeout: 10_000,
        interval: 20,
      });
    }
    expect(notificationIds(onFirst)).toEqual(notificationIds(onSecond));
  });

  it('when an availability change is consumed by either replica, then the event room on both replicas hears it', async () => {
    const published = messages.published({ visibility: 'public' });
    await env.publishRaw(published.type, published);
    const eventId = published.data.eventId;
    const room = `event:${eventId}`;
    const a = await TestClient.open(first.url);
    const b = await TestClient.open(second.url);
    clients.push(a, b);
    await vi.waitFor(async () => expect((await a.subscribe(room)).type).toBe('subscribed'), { timeout: 10_000, interval: 50 });
    expect((await b.subscribe(room)).type).toBe('subscribed');
    const m = messages.availability(eventId, 42);
    await env.publishRaw(m.type, m);
    expect((await a.next('availability')).availability.confirmed).toBe(42);
    expect((await b.next('availability')).availability.confirmed).toBe(42);
  });

  it('when Redis is unreachable for one replica, then each replica still delivers what it consumes to its own clients, and after Redis returns both hear everything again', async () => {
    const user = await signer.token({});
    const onFirst = await connect(first, user.token);
    const onSecond = await connect(second, user.token);

    proxy.cut();
    // Publish until each replica has consumed (and delivered locally) at least one message.
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      await notifyRolesChanged(user.id);
      sent.push(String(i));
      await vi.waitFor(() => expect(notificationIds(onFirst).length + notificationIds(onSecond).length).toBe(sent.length), {
        timeout: 10_000,
        interval: 20,
      });
      if (notificationIds(onFirst).length > 0 && notificationIds(onSecond).length > 0) break;
    }
    // Nothing was lost locally, every message reached exactly one side (Redis really was cut), and both replicas delivered.
    const firstIds = notificationIds(onFirst);
    const secondIds = notificationIds(onSecond);
    expect(firstIds.length).toBeGreaterThan(0);
    expect(secondIds.length).toBeGreaterThan(0);
    expect(firstIds.filter((id) => secondIds.includes(id))).toEqual([]);

    proxy.restore();
    // ioredis reconnects (and re-subscribes) with back-off; once it has, a new message reaches both sides again.
    await vi.waitFor(() => publishAndExpectBoth(onFirst, onSecond, user.id, 3000), { timeout: 30_000, interval: 100 });
    // And from then on, every message does.
    for (let i = 0; i < 4; i++) await publishAndExpectBoth(onFirst, onSecond, user.id, 10_000);
  });
});
