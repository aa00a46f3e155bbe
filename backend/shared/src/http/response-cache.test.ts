import { describe, expect, it } from 'vitest';
import { createResponseCache, type CachedResponse } from './response-cache.js';

const response = (tags: string[], text = 'body'): CachedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: Buffer.from(text),
  etag: undefined,
  route: '/api/things/:id',
  tags,
});

describe('createResponseCache', () => {
  it('when a response is stored, then it is served for its URL only', () => {
    const cache = createResponseCache();
    expect(cache.store('/a', response(['thing:a'], 'A'), cache.mark())).toBe(true);
    expect(cache.get('/a')?.body.toString()).toBe('A');
    expect(cache.get('/a?x=1')).toBeUndefined();
  });

  it('when one of its tags is invalidated, then every response made from it is dropped and others stay', () => {
    const cache = createResponseCache();
    cache.store('/a', response(['thing:a']), cache.mark());
    cache.store('/a?lang=de', response(['thing:a']), cache.mark());
    cache.store('/b', response(['thing:b']), cache.mark());
    cache.invalidate('thing:a');
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.get('/a?lang=de')).toBeUndefined();
    expect(cache.get('/b')).toBeDefined();
  });

  it('when its data was invalidated while the answer was being computed, then the stale answer is not stored', () => {
    const cache = createResponseCache();
    const started = cache.mark();
    cache.invalidate('thing:a'); // a write committed while the read was in flight
    expect(cache.store('/a', response(['thing:a']), started)).toBe(false);
    expect(cache.get('/a')).toBeUndefined();
    // An answer begun after the invalidation is fresh and may be kept.
    expect(cache.store('/a', response(['thing:a']), cache.mark())).toBe(true);
  });

  it('when a different tag was invalidated meanwhile, then the answer is still stored', () => {
    const cache = createResponseCache();
    const started = cache.mark();
    cache.invalidate('thing:b');
    expect(cache.store('/a', response(['thing:a']), started)).toBe(true);
  });

  it('when the cache is cleared, then nothing is served and answers begun before are refused', () => {
    const cache = createResponseCache();
    const started = cache.mark();
    cache.store('/a', response(['thing:a']), started);
    cache.clear();
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.store('/b', response(['thing:b']), started)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('when more responses than the limit are stored, then the oldest go and their tags no longer point at them', () => {
    const cache = createResponseCache({ max: 2 });
    cache.store('/a', response(['thing:a']), cache.mark());
    cache.store('/b', response(['thing:b']), cache.mark());
    cache.store('/c', response(['thing:c']), cache.mark());
    expect(cache.size).toBe(2);
    expect(cache.get('/a')).toBeUndefined();
    cache.invalidate('thing:a');
    expect(cache.get('/b')).toBeDefined();
    expect(cache.get('/c')).toBeDefined();
  });
});
