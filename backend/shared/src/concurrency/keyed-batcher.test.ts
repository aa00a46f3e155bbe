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
});
