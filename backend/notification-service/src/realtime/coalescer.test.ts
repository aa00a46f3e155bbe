import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from './coalescer.js';

describe('createCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = () => {
    const emitted: [string, number][] = [];
    const c = createCoalescer<number>({ intervalMs: 250, isNewer: (a, b) => a >= b, emit: (k, v) => emitted.push([k, v]) });
    return { c, emitted };
  };

  it('when a burst arrives for one key, then the first goes out at once and the burst ends on the latest value', () => {
    const { c, emitted } = make();
    for (let v = 1; v <= 50; v++) c.push('evt', v);
    expect(emitted).toEqual([['evt', 1]]);
    vi.advanceTimersByTime(250);
    expect(emitted).toEqual([
      ['evt', 1],
      ['evt', 50],
    ]);
    vi.advanceTimersByTime(1000);
    expect(emitted).toHaveLength(2);
  });

  it('when values keep coming, then a key emits at most once per interval', () => {
    const { c, emitted } = make();
    for (let i = 1; i <= 100; i++) {
      c.push('evt', i);
      vi.advanceTimersByTime(10); // 100 values over 1 s
    }
    vi.advanceTimersByTime(250);
    // One leading push, then one per elapsed interval with the newest value at that moment.
    expect(emitted.map(([, v]) => v)).toEqual([1, 25, 50, 75, 100]);
  });

  it('when an older value arrives after a newer one, then it is dropped', () => {
    const { c, emitted } = make();
    c.push('evt', 5);
    c.push('evt', 3);
    vi.advanceTimersByTime(250);
    expect(emitted).toEqual([['evt', 5]]);
  });

  it('when two keys are busy, then each is throttled on its own', () => {
    const { c, emitted } = make();
    c.push('a', 1);
    c.push('b', 1);
    c.push('a', 2);
    c.push('b', 2);
    c.push('b', 3);
    vi.advanceTimersByTime(250);
    expect(emitted).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 3],
    ]);
  });

  it('when a key has been quiet for an interval, then its next value goes out at once again', () => {
    const { c, emitted } = make();
    c.push('evt', 1);
    vi.advanceTimersByTime(250);
    vi.advanceTimersByTime(250);
    c.push('evt', 2);
    expect(emitted).toEqual([
      ['evt', 1],
      ['evt', 2],
    ]);
  });
});
