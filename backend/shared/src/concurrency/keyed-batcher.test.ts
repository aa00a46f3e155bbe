import { describe, expect, it } from 'vitest';
import { createKeyedBatcher, type BatchOutcome } from './keyed-batcher.js';

/** A run that records what it was given and finishes when the test says so. */
function controlledRun() {
  const runs: { key: string; items: number[]; finish: (outcomes?: BatchOutcome<string>[]) => void; fail: (e: Error) => void }[] = [];
  let active = 0;
  let maxActivePerKey = 0;
  const activeByKey = new Map<string, number>();
  const run = (key: string, items: readonly number[]) =>
    new Promise<readonly BatchOutcome<string>[]>((resolve, reject) => {
      active += 1;
      activeByKey.set(key, (activeByKey.get(key) ?? 0) + 1);
      maxActivePerKey = Math.max(maxActivePerKey, activeByKey.get(key)!);
      const done = () => {
        active -= 1;
        activeByKey.set(key, activeByKey.get(key)! - 1);
      };
      runs.push({
        key,
        items: [...items],
        finish: (outcomes) => {
          done();
          resolve(outcomes ?? items.map((i) => ({ ok: true, value: `${key}:${i}` })));
        },
        fail: (e: Error) => {
          done();
          reject(e);
        },
      });
    });
  return { runs, run, stats: () => ({ active, maxActivePerKey }) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createKeyedBatcher', () => {
  it('when items of one key arrive while a run is in flight, then they go together into the next run, in order', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 100, run: c.run });
    const first = b.submit('e1', 1);
    await tick();
    const rest = [2, 3, 4].map((i) => b.submit('e1', i));
    await tick();
    expect(c.runs.map((r) => r.items)).toEqual([[1]]);
    c.runs[0]!.finish();
    await tick();
    expect(c.runs.map((r) => r.items)).toEqual([[1], [2, 3, 4]]);
    c.runs[1]!.finish();
    expect(await first).toBe('e1:1');
    expect(await Promise.all(rest)).toEqual(['e1:2', 'e1:3', 'e1:4']);
    expect(c.stats().maxActivePerKey).toBe(1);
    expect(b.pending).toBe(0);
  });

  it('when a synchronous burst arrives on a quiet key, then it shares one run', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 100, run: c.run });
    const all = [1, 2, 3].map((i) => b.submit('e1', i));
    await tick();
    expect(c.runs.map((r) => r.items)).toEqual([[1, 2, 3]]);
    c.runs[0]!.finish();
    expect(await Promise.all(all)).toEqual(['e1:1', 'e1:2', 'e1:3']);
  });

  it('when more than maxBatch wait, then runs take at most maxBatch each and keep the order', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 2, run: c.run });
    const all = [1, 2, 3, 4, 5].map((i) => b.submit('e1', i));
    for (let i = 0; i < 3; i += 1) {
      await tick();
      c.runs[i]!.finish();
    }
    expect(await Promise.all(all)).toEqual(['e1:1', 'e1:2', 'e1:3', 'e1:4', 'e1:5']);
    expect(c.runs.map((r) => r.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('when two keys are busy, then their runs proceed side by side', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 10, run: c.run });
    const a = b.submit('a', 1);
    const z = b.submit('z', 2);
    await tick();
    expect(c.stats().active).toBe(2);
    c.runs.forEach((r) => r.finish());
    expect([await a, await z]).toEqual(['a:1', 'z:2']);
  });

  it('when a run answers an error for one item, then only that item fails', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 10, run: c.run });
    const all = [1, 2].map((i) => b.submit('e1', i));
    await tick();
    c.runs[0]!.finish([
      { ok: false, error: new Error('already registered') },
      { ok: true, value: 'fine' },
    ]);
    await expect(all[0]).rejects.toThrow('already registered');
    await expect(all[1]).resolves.toBe('fine');
  });

  it('when a run throws, then every item of it fails and the next run still happens', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 10, run: c.run });
    const first = b.submit('e1', 1);
    await tick();
    const second = b.submit('e1', 2);
    c.runs[0]!.fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await tick();
    c.runs[1]!.finish();
    await expect(second).resolves.toBe('e1:2');
  });

  it('when a run answers the wrong number of outcomes, then the unanswered items fail instead of hanging', async () => {
    const c = controlledRun();
    const b = createKeyedBatcher({ maxBatch: 10, run: c.run });
    const all = [1, 2].map((i) => b.submit('e1', i));
    await tick();
    c.runs[0]!.finish([{ ok: true, value: 'one' }]);
    await expect(all[0]).resolves.toBe('one');
    await expect(all[1]).rejects.toThrow(/1 outcomes for 2 items/);
  });

  describe('failure isolation', () => {
    /** A run like a transaction: it fails whole when any of its items is poisoned, and records what it was given. */
    const poisonedBy = (poison: ReadonlySet<number>, error = (i: number) => new Error(`cannot store item ${i}`)) => {
      const runs: number[][] = [];
      const run = async (key: string, items: readonly number[]): Promise<BatchOutcome<string>[]> => {
        runs.push([...items]);
        await tick();
        const bad = items.find((i) => poison.has(i));
        if (bad !== undefined) throw error(bad);
        return items.map((i) => ({ ok: true, value: `${key}:${i}` }));
      };
      return { runs, run };
    };

    it('when one item makes its run throw, then only that item fails and every other item of the batch succeeds, in order', async () => {
      const c = poisonedBy(new Set([13]));
      const splits: number[] = [];
      const b = createKeyedBatcher({ maxBatch: 100, run: c.run, onSplit: (_key, size) => splits.push(size) });
      const items = Array.from({ length: 20 }, (_, i) => i + 1);
      const settled = await Promise.allSettled(items.map((i) => b.submit('e1', i)));

      expect(settled[12]).toMatchObject({ status: 'rejected', reason: new Error('cannot store item 13') });
      const others = settled.filter((_, i) => i !== 12);
      expect(others.map((s) => (s.status === 'fulfilled' ? s.value : s.reason))).toEqual(
        items.filter((i) => i !== 13).map((i) => `e1:${i}`),
      );
      // The whole batch first, then halves down to the culprit alone; each honest item commits exactly once.
      expect(c.runs[0]).toEqual(items);
      expect(c.runs).toContainEqual([13]);
      const committed = c.runs.filter((r) => !r.includes(13)).flat();
      expect(committed.sort((x, y) => x - y)).toEqual(items.filter((i) => i !== 13));
      expect(splits[0]).toBe(20);
      expect(c.runs.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(20)) + 1);
      expect(b.pending).toBe(0);
    });

    it('when several items of one batch are poisoned, then exactly those fail', async () => {
      const poison = new Set([2, 7, 8, 31]);
      const c = poisonedBy(poison);
      const b = createKeyedBatcher({ maxBatch: 64, run: c.run });
      const items = Array.from({ length: 40 }, (_, i) => i + 1);
      const settled = await Promise.allSettled(items.map((i) => b.submit('e1', i)));
      const failed = items.filter((_, i) => settled[i]!.status === 'rejected');
      expect(failed).toEqual([2, 7, 8, 31]);
    });

    it('when items arrive while a failed batch is being split, then they wait for the split to finish and keep their order', async () => {
      const c = poisonedBy(new Set([2]));
      const b = createKeyedBatcher({ maxBatch: 100, run: c.run });
      const first = [1, 2, 3, 4].map((i) => b.submit('e1', i));
      await tick();
      const late = [5, 6].map((i) => b.submit('e1', i));
      await Promise.allSettled([...first, ...late]);
      expect(c.runs).toEqual([[1, 2, 3, 4], [1, 2], [1], [2], [3, 4], [5, 6]]);
      expect(await Promise.all(late)).toEqual(['e1:5', 'e1:6']);
    });

    it('when the failure is one every run would meet (isolates says no), then the batch fails at once without retries', async () => {
      const down = new Error('database unavailable');
      const c = poisonedBy(new Set([1, 2, 3]), () => down);
      const b = createKeyedBatcher({ maxBatch: 100, run: c.run, isolates: (e) => e !== down });
      const settled = await Promise.allSettled([1, 2, 3].map((i) => b.submit('e1', i)));
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(c.runs).toEqual([[1, 2, 3]]);
    });
  });
});
