import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { startWorkLoop } from './work-loop.js';

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('work-loop-test', { destination }), lines };
}

/** A run that waits until the test lets it finish, counting starts and how many ran at once. */
function gatedRun() {
  let release: (() => void) | undefined;
  const state = { starts: 0, active: 0, maxActive: 0, gated: true };
  const run = async () => {
    state.starts += 1;
    state.active += 1;
    state.maxActive = Math.max(state.maxActive, state.active);
    if (state.gated) await new Promise<void>((r) => (release = r));
    state.active -= 1;
    return 1;
  };
  return { state, run, release: () => release?.() };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('startWorkLoop', () => {
  it('when woken while a run is in flight, then that run goes round once more instead of a second run starting', async () => {
    const { logger } = capturedLogger();
    const g = gatedRun();
    const loop = await startWorkLoop({ name: 'test loop', logger, pollIntervalMs: 600_000, run: g.run });
    await settle(); // the first run (started at once) is waiting at the gate
    const during = [loop.wake(), loop.wake()];
    g.state.gated = false;
    g.release();
    expect(await Promise.all(during)).toEqual([2, 2]);
    expect(g.state.starts).toBe(2);
    expect(g.state.maxActive).toBe(1);
    await loop.stop();
  });

  it('when the push subscription fires, then the loop runs; stop unsubscribes and waits for the run', async () => {
    const { logger } = capturedLogger();
    let push: (() => void) | undefined;
    let unsubscribed = false;
    let runs = 0;
    const loop = await startWorkLoop({
      name: 'test loop',
      logger,
      pollIntervalMs: 600_000,
      run: async () => ++runs,
      subscribe: async (wake) => {
        push = wake;
        return async () => {
          unsubscribed = true;
        };
      },
    });
    await loop.drain();
    const before = runs;
    push!();
    await loop.drain();
    expect(runs).toBeGreaterThan(before);
    await loop.stop();
    expect(unsubscribed).toBe(true);
    expect(await loop.wake()).toBe(0);
  });

  it('when a run fails, then it is logged and the next wake runs again', async () => {
    const { logger, lines } = capturedLogger();
    let calls = 0;
    const loop = await startWorkLoop({
      name: 'flaky loop',
      logger,
      pollIntervalMs: 600_000,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database unreachable');
        return 3;
      },
    });
    await settle();
    expect(await loop.drain()).toBe(3);
    expect(lines.join('')).toContain('flaky loop could not run; will retry');
    expect(lines.join('')).toContain('database unreachable');
    await loop.stop();
  });
});
