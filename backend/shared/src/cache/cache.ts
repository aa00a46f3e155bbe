import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { responseCache } from '../http/response-cache.js';

/**
 * A JSON cache: in-memory (embedded mode) or Redis (distributed), behind one interface. Deleting a
 * key also drops the finished responses built from it (`http/response-cache.ts`), in this process
 * and, through Redis pub/sub, in every other process sharing the prefix.
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  /** The Redis client behind a Redis cache (already namespaced by the prefix), for counters and pub/sub. */
  readonly redis?: Redis;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /**
   * Read-through: the cached value, or `load()`'s, which is kept for `ttlSeconds` when `keep`
   * says so — unless `key` was deleted while `load` ran (a write committed meanwhile, so what was
   * loaded may already be old): then it is returned but not kept, and the next read loads again.
   */
  getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>, keep: (value: T) => boolean): Promise<T>;
  delete(...keys: string[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens Redis when `url` is set, an in-memory LRU otherwise. Keys are namespaced by `prefix`. */
export async function connectCache(options: { url?: string | undefined; prefix: string; logger?: Logger }): Promise<Cache> {
  return options.url ? connectRedis(options.url, options.prefix, options.logger) : memoryCache(options.prefix);
}

function memoryCache(prefix: string): Cache {
  const lru = new LRUCache<string, { json: string }>({ max: 10_000, ttlAutopurge: false });
  // Deletions per key, to tell a load that raced a write (see getOrLoad).
  const generations = new LRUCache<string, number>({ max: 50_000 });
  return {
    kind: 'memory',
    async getOrLoad(key, ttlSeconds, load, keep) {
      const hit = lru.get(prefix + key);
      if (hit) return JSON.parse(hit.json) as Awaited<ReturnType<typeof load>>;
      const before = generations.get(key) ?? 0;
      const value = await load();
      if (keep(value) && (generations.get(key) ?? 0) === before) {
        lru.set(prefix + key, { json: JSON.stringify(value) }, { ttl: ttlSeconds * 1000 });
      }
      return value;
    },
    async get<T>(key: string) {
      const hit = lru.get(prefix + key);
      // Stored as JSON so callers get a copy, exactly as they would from Redis.
      return hit ? (JSON.parse(hit.json) as T) : undefined;
    },
    async set(key, value, ttlSeconds) {
      lru.set(prefix + key, { json: JSON.stringify(value) }, { ttl: ttlSeconds * 1000 });
    },
    async delete(...keys) {
      for (const k of keys) {
        lru.delete(prefix + k);
        generations.set(k, (generations.get(k) ?? 0) + 1);
        responseCache.invalidate(k);
      }
    },
    async ping() {},
    async close() {
      lru.clear();
    },
  };
}

async function connectRedis(url: string, prefix: string, logger?: Logger): Promise<Cache> {
  // commandTimeout: a command written just before the connection died would otherwise wait for
  // the reconnect; a request must be answered (from the database, or 503) instead.
  const redis = new Redis(url, {
    keyPrefix: prefix,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    commandTimeout: 1000,
  });
  redis.on('error', (err: unknown) => logger?.warn({ err: String(err) }, 'Redis error'));
  await redis.connect();
  const invalidations = await subscribeToInvalidations(redis, logger);
  // Deletions per key live in `<key>#gen` (kept a day); a load stores its value only if the count
  // is still what it was before the load (checked and set atomically in Redis).
  const generation = (key: string) => `${key}#gen`;
  const setIfGeneration = (key: string, seen: string, json: string, ttlSeconds: number) =>
    redis.eval(
      "if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0",
      2,
      key,
      generation(key),
      seen,
      json,
      String(Math.max(1, Math.ceil(ttlSeconds))),
    );
  // While Redis is away the read-through cache degrades instead of failing requests: reads load
  // from the database, and a deletion that cannot reach Redis is logged (the value there expires
  // with its TTL, and every process clears its response cache when its subscriber reconnects).
  const unavailable = (op: string) => (err: unknown) => {
    logger?.warn({ err: String(err), op }, 'Redis unavailable; cache bypassed');
  };
  return {
    kind: 'redis',
    redis,
    async getOrLoad(key, ttlSeconds, load, keep) {
      let found: (string | null)[];
      try {
        found = await redis.mget(key, generation(key));
      } catch (err) {
        unavailable('getOrLoad')(err);
        return load();
      }
      const [raw, seen] = found;
      if (raw !== null && raw !== undefined) return JSON.parse(raw) as Awaited<ReturnType<typeof load>>;
      const value = await load();
      if (keep(value)) await setIfGeneration(key, seen ?? '0', JSON.stringify(value), ttlSeconds).catch(unavailable('getOrLoad'));
      return value;
    },
    // get and set hold state (a pending OIDC sign-in), not a copy: they fail while Redis is away.
    async get<T>(key: string) {
      const raw = await redis.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlSeconds) {
      await redis.set(key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    },
    async delete(...keys) {
      if (keys.length === 0) return;
      const tx = redis.multi();
      for (const k of keys) tx.incr(generation(k)).expire(generation(k), 86_400);
      await tx
        .del(...keys)
        .exec()
        .catch(unavailable('delete'));
      // Only now: a response built in between from the old Redis value must be refused, and the
      // logical clock refuses only what began before the invalidation.
      for (const k of keys) responseCache.invalidate(k);
      await invalidations.publish(keys);
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await invalidations.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The pub/sub channel of cache invalidations for a (prefixed) Redis client. */
export const invalidationChannel = (redis: Redis) => `${redis.options.keyPrefix ?? ''}cache-invalidations`;

/**
 * Tells the other processes on this Redis (same prefix) which keys were deleted, so they drop
 * their cached responses too. A process ignores its own messages. While the subscriber is
 * disconnected invalidations can be missed, so every (re)connection clears the response cache.
 */
async function subscribeToInvalidations(redis: Redis, logger?: Logger) {
  const origin = randomUUID();
  // ioredis prefixes keys but not channel names: the prefix keeps deployments (and test files)
  // that share a Redis from invalidating each other.
  const channel = invalidationChannel(redis);
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
  subscriber.on('error', (err: unknown) => logger?.warn({ err: String(err) }, 'Redis error (invalidation subscriber)'));
  subscriber.on('ready', () => responseCache.clear());
  subscriber.on('message', (_channel: string, message: string) => {
    const [from, ...keys] = message.split('\n');
    if (from === origin) return;
    for (const k of keys) responseCache.invalidate(k);
  });
  await subscriber.subscribe(channel);
  return {
    async publish(keys: string[]) {
      // Best effort: a lost message is bounded by the response cache's TTL and the clear on reconnect.
      await redis.publish(channel, [origin, ...keys].join('\n')).catch((err: unknown) => {
        logger?.warn({ err: String(err) }, 'Could not publish a cache invalidation');
      });
    },
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
