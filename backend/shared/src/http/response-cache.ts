import { LRUCache } from 'lru-cache';

/** A finished public response, ready to be written again as it is. */
export interface CachedResponse {
  status: number;
  /** Every header of the original answer except the per-request ones (`x-request-id`, `date`). */
  headers: Record<string, string | string[]>;
  body: Buffer;
  etag: string | undefined;
  /** The route pattern (`/api/events/:id`), for metrics and logs. */
  route: string;
  /** The service that answered, for the metrics' `service` label. */
  service?: string | undefined;
  /** What the response was made from: a write that deletes one of these cache keys drops it. */
  tags: readonly string[];
}

export interface ResponseCache {
  get(url: string): CachedResponse | undefined;
  /** A mark taken when a request starts; `store` refuses answers older than an invalidation of one of their tags. */
  mark(): number;
  store(url: string, response: CachedResponse, startedAt: number): boolean;
  /** Drops every response made from `tag` (a cache key such as `event:evt_…`). */
  invalidate(tag: string): void;
  /** Drops everything, e.g. when invalidations from other replicas may have been missed. */
  clear(): void;
  readonly size: number;
}

/**
 * Finished responses to anonymous GETs of public resources, kept in this process and answered
 * before any other middleware runs (a micro-cache, as nginx or Varnish would hold in front). It is
 * exact, not time-based: every entry names the cache keys it was built from, and the write paths
 * that already delete those keys (`Cache.delete`) drop the entries too, in this process at once and
 * in other replicas through Redis pub/sub. A short TTL bounds the damage should an invalidation be
 * lost (Redis unreachable); on reconnect the whole cache is cleared.
 */
export function createResponseCache(options: { max?: number; ttlMs?: number } = {}): ResponseCache {
  const byTag = new Map<string, Set<string>>();
  const entries = new LRUCache<string, CachedResponse>({
    max: options.max ?? 2_000,
    ttl: options.ttlMs ?? 10_000,
    dispose: (value, url) => {
      for (const tag of value.tags) {
        const urls = byTag.get(tag);
        urls?.delete(url);
        if (urls?.size === 0) byTag.delete(tag);
      }
    },
  });
  // A logical clock: an answer computed before an invalidation of its data must not be stored
  // after it (the read raced a write), or it would serve the old data until the TTL.
  let clock = 0;
  let clearedAt = 0;
  const invalidatedAt = new LRUCache<string, number>({ max: 50_000 });
  return {
    get: (url) => entries.get(url),
    mark: () => clock,
    store(url, response, startedAt) {
      if (clearedAt > startedAt) return false;
      if (response.tags.some((tag) => (invalidatedAt.get(tag) ?? 0) > startedAt)) return false;
      entries.set(url, response);
      for (const tag of response.tags) {
        const urls = byTag.get(tag) ?? new Set<string>();
        urls.add(url);
        byTag.set(tag, urls);
      }
      return true;
    },
    invalidate(tag) {
      clock += 1;
      invalidatedAt.set(tag, clock);
      for (const url of [...(byTag.get(tag) ?? [])]) entries.delete(url);
    },
    clear() {
      clock += 1;
      clearedAt = clock;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

/** The process-wide response cache (in embedded mode the services share it; URLs do not overlap). */
export const responseCache = createResponseCache();
