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
  return {
    kind: 'memory',
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
  const redis = new Redis(url, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  redis.on('error', (err: unknown) => logger?.warn({ err: String(err) }, 'Redis error'));
  await redis.connect();
  const invalidations = await subscribeToInvalidations(redis, logger);
  return {
    kind: 'redis',
    redis,
    async get<T>(key: string) {
      const raw = await redis.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlSeconds) {
      await redis.set(key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    },
    async delete(...keys) {
      if (keys.length === 0) return;
      for (const k of keys) responseCache.invalidate(k);
      await redis.del(...keys);
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

/**
 * Tells the other processes on this Redis (same prefix) which keys were deleted, so they drop
 * their cached responses too. A process ignores its own messages. While the subscriber is
 * disconnected invalidations can be missed, so every (re)connection clears the response cache.
 */
async function subscribeToInvalidations(redis: Redis, logger?: Logger) {
  const origin = randomUUID();
  const channel = 'cache-invalidations';
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
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
