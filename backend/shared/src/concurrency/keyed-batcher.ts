/** What a batch run answers for one item: its value, or the error only that item gets. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface KeyedBatcherOptions<I, O> {
  /** Most items handed to one run; the rest wait for the next. */
  maxBatch: number;
  /**
   * Handles the items of one key in submission order and answers one outcome per item, in the
   * same order. Throwing says "this run failed": see `isolates`.
   */
  run: (key: string, items: readonly I[]) => Promise<readonly BatchOutcome<O>[]>;
  /**
   * Whether a run's failure may be caused by one of its items, so that the items are run again in
   * halves until the culprit fails alone (default: always). Answer false for errors that every run
   * would meet alike, such as a lost database connection, to fail them at once.
   */
  isolates?: (error: unknown) => boolean;
  /** Told each time a failed run of `size` items is split (for metrics and logs). */
  onSplit?: (key: string, size: number, error: unknown) => void;
}

export interface KeyedBatcher<I, O> {
  submit(key: string, item: I): Promise<O>;
  /** Items waiting or running, over all keys (for metrics and tests). */
  readonly pending: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit per key: at most one run per key at a time. Items submitted while a run is in
 * flight queue up and go together into the next run, so the cost of a run (one transaction, one
 * lock, one WAL flush) is shared by everyone who arrived meanwhile. When nothing is in flight an
 * item starts a run at once (after the current microtasks, so a synchronous burst shares it):
 * batching adds no waiting to a quiet system. Submission order is kept within a key.
 *
 * One item never fails the others: when a run throws, its items are run again in halves (still in
 * order, still one run per key at a time), down to single items, so only the item that causes the
 * failure gets it. A batch of n with one bad item costs about 2·log2(n) extra runs, and nothing on
 * the happy path.
 */
export function createKeyedBatcher<I, O>(options: KeyedBatcherOptions<I, O>): KeyedBatcher<I, O> {
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new Error('maxBatch must be a positive integer');
  const isolates = options.isolates ?? (() => true);
  const queues = new Map<string, Waiting<I, O>[]>();
  const running = new Set<string>();
  let pending = 0;

  const settle = (key: string, batch: readonly Waiting<I, O>[], outcomes: readonly BatchOutcome<O>[] | undefined, failure?: unknown) => {
    batch.forEach((w, i) => {
      pending -= 1;
      const outcome = outcomes?.[i];
      if (outcome?.ok) w.resolve(outcome.value);
      else if (outcome) w.reject(outcome.error);
      else w.reject(failure ?? new Error(`batch run for ${key} answered ${outcomes?.length ?? 0} outcomes for ${batch.length} items`));
    });
  };

  /** Runs `batch` and settles every item of it; never rejects. */
  const execute = async (key: string, batch: readonly Waiting<I, O>[]): Promise<void> => {
    let outcomes: readonly BatchOutcome<O>[];
    try {
      outcomes = await options.run(
        key,
        batch.map((w) => w.item),
      );
    } catch (error: unknown) {
      if (batch.length > 1 && isolates(error)) {
        try {
          options.onSplit?.(key, batch.length, error);
        } catch {
          // An observer's bug must not strand the batch.
        }
        const half = Math.ceil(batch.length / 2);
        await execute(key, batch.slice(0, half));
        await execute(key, batch.slice(half));
      } else {
        settle(key, batch, undefined, error);
      }
      return;
    }
    settle(key, batch, outcomes);
  };

  const drain = (key: string): void => {
    const queue = queues.get(key);
    if (!queue || queue.length === 0) {
      queues.delete(key);
      running.delete(key);
      return;
    }
    const batch = queue.splice(0, options.maxBatch);
    running.add(key);
    void execute(key, batch).then(() => drain(key));
  };

  return {
    submit(key, item) {
      return new Promise<O>((resolve, reject) => {
        pending += 1;
        const queue = queues.get(key);
        if (queue) queue.push({ item, resolve, reject });
        else queues.set(key, [{ item, resolve, reject }]);
        if (!running.has(key)) {
          running.add(key);
          queueMicrotask(() => drain(key));
        }
      });
    },
    get pending() {
      return pending;
    },
  };
}
