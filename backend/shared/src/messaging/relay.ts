import { startWorkLoop } from '../concurrency/work-loop.js';
import type { ServiceDb } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import { messagesPublished, publishFailures } from '../metrics/metrics.js';
import { claimOutboxBatch, deletePublishedOutboxRows, markOutboxPublished, outboxChannel, releaseOutboxRows } from './outbox.repository.js';
import type { Transport } from './transport.js';

/** Tuning for the outbox relay. */
export interface RelayOptions {
  sdb: ServiceDb<unknown>;
  transport: Transport;
  logger: Logger;
  service: string;
  /** Fallback poll when no NOTIFY arrives (lost notification, lease expiry). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long a claimed row stays invisible to other relays while it is being published. */
  leaseSeconds?: number;
  /** Published rows older than this are deleted. */
  retentionHours?: number;
}

/** A running relay. */
export interface OutboxRelay {
  /** Publishes everything pending now; resolves with how many were published. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Publishes outbox rows to the transport in commit order, woken by NOTIFY at commit with polling
 * as a fallback. Rows are claimed with a lease (FOR UPDATE SKIP LOCKED) so several replicas share
 * the work, and no database connection is held while waiting for the broker. Delivery is
 * at-least-once; consumers deduplicate by message id.
 */
export async function startOutboxRelay(options: RelayOptions): Promise<OutboxRelay> {
  const { sdb, transport, logger, service } = options;
  const schema = sdb.schema;
  const batchSize = options.batchSize ?? 100;
  const lease = options.leaseSeconds ?? 30;
  const retentionHours = options.retentionHours ?? 24 * 7;
  let backoffMs = 0;
  let blockedUntil = 0;
  let lastCleanup = 0;

  async function publishBatch(stopping: () => boolean, published: { count: number }): Promise<void> {
    const batch = await claimOutboxBatch(sdb.db, schema, batchSize, lease);
    if (batch.length === 0) return;
    const sent: string[] = [];
    let failure: Error | undefined;
    for (const row of batch) {
      try {
        await transport.publish(row.envelope);
        sent.push(row.seq);
        published.count += 1;
        messagesPublished.inc({ service, type: row.envelope.type });
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        break;
      }
    }
    await markOutboxPublished(sdb.db, schema, sent);
    if (failure !== undefined) {
      // Release the lease at once so the retry after back-off does not wait for it to expire.
      await releaseOutboxRows(
        sdb.db,
        schema,
        batch.map((r) => r.seq).filter((s) => !sent.includes(s)),
        failure.message,
      );
      throw failure;
    }
    if (batch.length === batchSize && !stopping()) await publishBatch(stopping, published);
  }

  async function cleanup() {
    if (Date.now() - lastCleanup < 3_600_000) return;
    lastCleanup = Date.now();
    await deletePublishedOutboxRows(sdb.db, schema, retentionHours);
  }

  // One round of the shared work loop; while backing off after a failure, wakes do nothing.
  async function run(stopping: () => boolean): Promise<number> {
    if (Date.now() < blockedUntil) return 0;
    const published = { count: 0 };
    try {
      await publishBatch(stopping, published);
      backoffMs = 0;
      blockedUntil = 0;
      await cleanup();
      return published.count;
    } catch (err) {
      publishFailures.inc({ service });
      backoffMs = Math.min(backoffMs ? backoffMs * 2 : 250, 10_000);
      blockedUntil = Date.now() + backoffMs;
      logger.warn({ err: String(err), retryInMs: backoffMs }, 'outbox relay could not publish; will retry');
      return published.count;
    }
  }

  const loop = await startWorkLoop({
    name: 'outbox relay',
    logger,
    run,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    subscribe: (wake) => sdb.listen(outboxChannel(schema), wake),
  });

  return {
    drain() {
      blockedUntil = 0;
      return loop.drain();
    },
    stop: () => loop.stop(),
  };
}
