import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectCache, isConnectionError, type Cache } from '@secureevent/shared';
import { startTcpProxy, type TcpProxy } from '@secureevent/shared/testing';

/** Needs a Redis server: the in-memory cache of the embedded mode cannot be lost. */
describe.skipIf(!process.env.REDIS_URL)('Redis cache when Redis goes away', () => {
  let proxy: TcpProxy;
  let cache: Cache;
  const prefix = `test:cache-loss:${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    const target = new URL(process.env.REDIS_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    cache = await connectCache({ url: `redis://127.0.0.1:${proxy.port}`, prefix });
  });
  afterAll(async () => {
    proxy?.restore();
    await cache?.close();
    await proxy?.close();
  });

  it('when Redis is cut, then read-through loads from the source and deletions do not fail; state reads fail as unavailable; all recover after', async () => {
    await cache.getOrLoad(
      'event:1',
      60,
      async () => ({ v: 1 }),
      () => true,
    );
    proxy.cut();
    try {
      await vi.waitFor(() => expect(cache.ping()).rejects.toThrow(), { timeout: 5000, interval: 50 });
      let loads = 0;
      const value = await cache.getOrLoad(
        'event:1',
        60,
        async () => ({ v: ++loads + 1 }),
        () => true,
      );
      expect(value).toEqual({ v: 2 });
      await expect(cache.delete('event:1')).resolves.toBeUndefined();
      // get/set hold state (a pending sign-in): they fail, as a connection error (503, not 500).
      const failure = await cache.get('oidc:pending').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isConnectionError(failure)).toBe(true);
    } finally {
      proxy.restore();
    }
    await vi.waitFor(() => expect(cache.ping()).resolves.toBeUndefined(), { timeout: 10_000, interval: 100 });
    await cache.set('after', { ok: true }, 60);
    expect(await cache.get('after')).toEqual({ ok: true });
  });
});
