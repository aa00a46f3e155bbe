import type { Logger } from '../logging/logger.js';

/** A background worker that one call to `wake` at a time runs (see `startWorkLoop`). */
export interface WorkLoop {
  /** Runs the work now, or once more after the run in flight; resolves with how many items it handled. */
  wake(): Promise<number>;
  /** Waits for the run in flight, then runs once more: everything due now is done when it resolves. */
  drain(): Promise<number>;
  /** Stops polling and listening, and waits for the run in flight. */
  stop(): Promise<void>;
}

export interface WorkLoopOptions {
  /** For the log line when a run fails. */
  name: string;
  logger: Logger;
  /**
   * One round of work (claim a batch, handle it, repeat while full); resolves with how many items
   * it handled. `stopping()` turns true when `stop` was called: finish the current item and return.
   */
  run(stopping: () => boolean): Promise<number>;
  /** The fallback poll: retries that come due, lost wake-ups. */
  pollIntervalMs: number;
  /** Optional push wake-up (e.g. a Postgres NOTIFY channel); resolves to an unsubscribe. */
  subscribe?: (wake: () => void) => Promise<() => Promise<void>>;
}

/**
 * The loop behind the database-backed queues (email deliveries, reminders): single-flight (never two
 * runs at once in a process; replicas share the rows through FOR UPDATE SKIP LOCKED), woken by a
 * push and by a poll, and a wake during a run makes that run go round once more instead of being
 * lost. A failed run is logged and retried at the next wake.
 */
export async function startWorkLoop(options: WorkLoopOptions): Promise<WorkLoop> {
  let stopped = false;
  let again = false;
  let running: Promise<number> | undefined;
  const stopping = () => stopped;

  async function rounds(): Promise<number> {
    let total = 0;
    do {
      again = false;
      total += await options.run(stopping);
    } while (again && !stopped);
    return total;
  }

  function wake(): Promise<number> {
    if (stopped) return Promise.resolve(0);
    if (running) {
      again = true;
      return running;
    }
    running = rounds()
      .catch((err: unknown) => {
        options.logger.warn({ err: String(err) }, `${options.name} could not run; will retry`);
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  }

  const unsubscribe = options.subscribe ? await options.subscribe(() => void wake()) : undefined;
  const timer = setInterval(() => void wake(), options.pollIntervalMs);
  timer.unref();
  void wake();

  return {
    wake,
    async drain() {
      await running;
      return wake();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unsubscribe?.();
      await running;
    },
  };
}
