import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectCache, invalidationChannel, type Cache } from '../src/cache/cache.js';
import { responseCache } from '../src/http/response-cache.js';

// Real Redis when REDIS_URL is set, the in-memory LRU otherwise.
const redisUrl = process.env.REDIS_URL || undefined;

describe(`cache (${redisUrl ? 'redis' : 'memory'})`, () => {
  const opened: Cache[] = [];

  async function openCache(prefix = `test:cache:${randomBytes(6).toString('hex')}:`): Promise<Cache> {
    const cache = await connectCache({ url: redisUrl, prefix });
    opened.push(cache);
    return cache;
  }

  const uniqueKey = (label: string) => `${label}:${randomBytes(6).toString('hex')}`;

  afterEach(async () => {
    for (const cache of opened.splice(0)) await cache.close();
  });

  it('when the environment selects a mode, then connectCache opens the matching kind', async () => {
    const cache = await openCache();

    expect(cache.kind).toBe(redisUrl ? 'redis' : 'memory');
    await expect(cache.ping()).resolves.toBeUndefined();
  });

  it('when a value is set, then get returns an equal copy', async () => {
    const cache = await openCache();
    const key = uniqueKey('event');
    const value = { id: 'evt_1', title: 'Meetup', tags: ['a', 'b'], seats: { left: 3 }, cancelled: false };

    await cache.set(key, value, 60);
    const read = await cache.get<typeof value>(key);

    expect(read).toEqual(value);
    expect(read).not.toBe(value);
  });

  it('when the object returned by get is mutated, then the cached value does not change', async () => {
    const cache = await openCache();
    const key = uniqueKey('event');
    await cache.set(key, { seats: { left: 3 }, tags: ['a'] }, 60);

    const first = await cache.get<{ seats: { left: number }; tags: string[] }>(key);
    first!.seats.left = 0;
    first!.tags.push('mutated');
    const second = await cache.get(key);

    expect(second).toEqual({ seats: { left: 3 }, tags: ['a'] });
  });

  it('when the object passed to set is mutated afterwards, then the cached value does not change', async () => {
    const cache = await openCache();
    const key = uniqueKey('event');
    const value = { seats: { left: 3 } };
    await cache.set(key, value, 60);

    value.seats.left = 99;
    const read = await cache.get(key);

    expect(read).toEqual({ seats: { left: 3 } });
  });

  it.each([
    ['zero', 0],
    ['false', false],
    ['the empty string', ''],
    ['null', null],
    ['an empty array', []],
  ])('when %s is cached, then get returns it rather than a miss', async (_label, value) => {
    const cache = await openCache();
    const key = uniqueKey('falsy');

    await cache.set(key, value, 60);

    expect(await cache.get(key)).toEqual(value);
  });

  it('when a key was never set, then get returns undefined', async () => {
    const cache = await openCache();

    expect(await cache.get(uniqueKey('missing'))).toBeUndefined();
  });

  it('when keys are deleted, then get misses them and other keys survive', async () => {
    const cache = await openCache();
    const [a, b, kept] = [uniqueKey('a'), uniqueKey('b'), uniqueKey('kept')];
    await cache.set(a, 1, 60);
    await cache.set(b, 2, 60);
    await cache.set(kept, 3, 60);

    await cache.delete(a, b);

    expect(await cache.get(a)).toBeUndefined();
    expect(await cache.get(b)).toBeUndefined();
    expect(await cache.get(kept)).toBe(3);
  });

  it('when delete is called with no keys, then it does nothing and does not fail', async () => {
    const cache = await openCache();
    const key = uniqueKey('kept');
    await cache.set(key, 'still here', 60);

    await cache.delete();

    expect(await cache.get(key)).toBe('still here');
  });

  it('when a key is set again, then the new value replaces the old one', async () => {
    const cache = await openCache();
    const key = uniqueKey('overwrite');
    await cache.set(key, { v: 1 }, 60);

    await cache.set(key, { v: 2 }, 60);

    expect(await cache.get(key)).toEqual({ v: 2 });
  });

  it('when the TTL of an entry passes, then get misses it', async () => {
    const cache = await openCache();
    const key = uniqueKey('short-lived');
    await cache.set(key, { v: 1 }, 1);
    expect(await cache.get(key)).toEqual({ v: 1 });

    await vi.waitFor(async () => expect(await cache.get(key)).toBeUndefined(), { timeout: 5_000, interval: 250 });
  });

  it('when two caches use different prefixes, then the same key does not collide', async () => {
    const base = `test:cache:${randomBytes(6).toString('hex')}:`;
    const users = await openCache(`${base}users:`);
    const events = await openCache(`${base}events:`);
    const key = uniqueKey('shared-name');

    await users.set(key, { owner: 'users' }, 60);
    await events.set(key, { owner: 'events' }, 60);
    await users.delete(key);

    expect(await users.get(key)).toBeUndefined();
    expect(await events.get(key)).toEqual({ owner: 'events' });
  });

  it.runIf(redisUrl)('when two Redis connections share a prefix, then one sees what the other wrote', async () => {
    const prefix = `test:cache:${randomBytes(6).toString('hex')}:`;
    const writer = await openCache(prefix);
    const reader = await openCache(prefix);
    const key = uniqueKey('shared');

    await writer.set(key, { seen: true }, 60);

    expect(await reader.get(key)).toEqual({ seen: true });
  });

  const cachedResponse = (tag: string) => ({
    status: 200,
    headers: {},
    body: Buffer.from('{}'),
    etag: undefined,
    route: '/r',
    tags: [tag],
  });

  it('when a key is deleted, then the responses built from it are dropped from the response cache', async () => {
    const cache = await openCache();
    const key = uniqueKey('resp');
    responseCache.store(`/r/${key}`, cachedResponse(key), responseCache.mark());
    expect(responseCache.get(`/r/${key}`)).toBeDefined();
    await cache.delete(key);
    expect(responseCache.get(`/r/${key}`)).toBeUndefined();
  });

  it.runIf(redisUrl)('when another process deletes a key, then this process drops its responses built from it', async () => {
    const cache = await openCache();
    const key = uniqueKey('remote');
    responseCache.store(`/r/${key}`, cachedResponse(key), responseCache.mark());
    // What another replica's delete publishes (another origin), through a client like its own.
    await cache.redis!.publish(invalidationChannel(cache.redis!), `another-process\n${key}`);
    await vi.waitFor(() => expect(responseCache.get(`/r/${key}`)).toBeUndefined(), { timeout: 5000, interval: 20 });
  });

  it('when a value is missing, then getOrLoad loads it once and keeps it only when told to', async () => {
    const cache = await openCache();
    const key = uniqueKey('load');
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad(key, 60, load, () => true)).toEqual({ n: 1 });
    expect(await cache.getOrLoad(key, 60, load, () => true)).toEqual({ n: 1 });
    const other = uniqueKey('not-kept');
    expect(await cache.getOrLoad(other, 60, load, () => false)).toEqual({ n: 2 });
    expect(await cache.get(other)).toBeUndefined();
  });

  it('when the key is deleted while a load is in flight, then the loaded value is returned but not kept', async () => {
    const cache = await openCache();
    const key = uniqueKey('race');
    let release!: () => void;
    let loading!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const loadStarted = new Promise<void>((resolve) => (loading = resolve));
    const reading = cache.getOrLoad(
      key,
      60,
      async () => {
        loading();
        await gate; // the read has loaded the old row; now a write commits and deletes the key
        return { seats: 'old' };
      },
      () => true,
    );
    await loadStarted;
    await cache.delete(key);
    release();
    expect(await reading).toEqual({ seats: 'old' });
    expect(await cache.get(key)).toBeUndefined();
    // The next read loads afresh and keeps that.
    expect(
      await cache.getOrLoad(
        key,
        60,
        async () => ({ seats: 'new' }),
        () => true,
      ),
    ).toEqual({ seats: 'new' });
    expect(await cache.get(key)).toEqual({ seats: 'new' });
  });
});
