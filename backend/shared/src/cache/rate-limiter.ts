import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Cache } from './cache.js';

/** A counter window: at most `points` within `durationSeconds` per key. */
export interface LimiterOptions {
  name: string;
  points: number;
  durationSeconds: number;
  /** Once exceeded, the key stays blocked this long (defaults to the rest of the window). */
  blockSeconds?: number;
}

/** How a key stands: blocked (with seconds to wait) or not, and how much it has used. */
export interface LimiterState {
  blocked: boolean;
  retryAfterSeconds: number;
  consumed: number;
}

/**
 * Counters for rate limits and brute-force protection. They live in Redis when the cache is Redis,
 * so limits hold across replicas; in memory otherwise (embedded mode: one process).
 */
export interface Limiter {
  /**
   * Counts one hit; returns the state after it. Never throws for an exceeded limit. The count and
   * the check are one atomic step (one Redis script), so parallel callers can never all get in.
   */
  hit(key: string): Promise<LimiterState>;
  /** Gives back `points` hits counted earlier (e.g. a sign-in attempt that turned out to succeed). */
  refund(key: string, points?: number): Promise<void>;
  /** The current state without counting. */
  peek(key: string): Promise<LimiterState>;
  /** Blocks `key` for `seconds` from now. */
  block(key: string, seconds: number): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Creates a limiter backed by the service's cache (Redis or memory). */
export function createLimiter(cache: Cache, options: LimiterOptions): Limiter {
  const common = {
    keyPrefix: `rl:${options.name}`,
    points: options.points,
    duration: options.durationSeconds,
    blockDuration: options.blockSeconds ?? 0,
  };
  // While Redis is unreachable, counting goes on in this process's memory (the insurance limiter)
  // rather than failing open or failing every request.
  const rl: RateLimiterAbstract = cache.redis
    ? new RateLimiterRedis({
        ...common,
        storeClient: cache.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(common),
      })
    : new RateLimiterMemory(common);
  const state = (res: RateLimiterRes | null): LimiterState => {
    const consumed = res?.consumedPoints ?? 0;
    const blocked = consumed > options.points;
    return { blocked, consumed, retryAfterSeconds: blocked && res ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0 };
  };
  return {
    async hit(key) {
      try {
        return state(await rl.consume(key));
      } catch (res) {
        // rate-limiter-flexible rejects with the state when the limit is exceeded, with an Error on store failure.
        if (res instanceof RateLimiterRes) return state(res);
        throw res;
      }
    },
    async refund(key, points = 1) {
      await rl.reward(key, points);
    },
    async peek(key) {
      return state(await rl.get(key));
    },
    async block(key, seconds) {
      await rl.block(key, seconds);
    },
    async reset(key) {
      await rl.delete(key);
    },
  };
}
