import { sql } from 'kysely';
import type { ServiceDb } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import { messagesPublished, publishFailures } from '../metrics/metrics.js';
import type { Envelope } from './envelope.js';
import { outboxChannel } from './outbox.js';
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
  const table = sql.id(sdb.schema, 'outbox');
  const batchSize = options.batchSize ?? 100;
  const lease = options.leaseSeconds ?? 30;
  const pollMs = options.pollIntervalMs ?? 1000;
  const retentionHours = options.retentionHours ?? 24 * 7;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let backoffMs = 0;
  let blockedUntil = 0;
  let lastCleanup = 0;

  async function claim(): Promise<{ seq: string; envelope: Envelope }[]> {
    const { rows } = await sql<{ seq: string; envelope: Envelope | string }>`
      update ${table} set locked_until = now() + make_interval(secs => ${lease}), attempts = attempts + 1
      where seq in (
        select seq from ${table}
        where published_at is null and (locked_until is null or locked_until < now())
        order by seq limit ${batchSize}
        for update skip locked)
      returning seq, envelope`.execute(sdb.db);
    return rows
      .map((r) => ({ seq: String(r.seq), envelope: typeof r.envelope === 'string' ? (JSON.parse(r.envelope) as Envelope) : r.envelope }))
      .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  async function publishBatch(): Promise<number> {
    const batch = await claim();
    if (batch.length === 0) return 0;
    const sent: string[] = [];
    let failure: Error | undefined;
    for (const row of batch) {
      try {
        await transport.publish(row.envelope);
        sent.push(row.seq);
        messagesPublished.inc({ service, type: row.envelope.type });
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        break;
      }
    }
    if (sent.length > 0) {
      await sql`update ${table} set published_at = now(), locked_until = null, last_error = null where seq = any(${sent}::bigint[])`.execute(
        sdb.db,
      );
    }
    if (failure !== undefined) {
      const unsent = batch.map((r) => r.seq).filter((s) => !sent.includes(s));
      // Release the lease at once so the retry after back-off does not wait for it to expire.
      await sql`update ${table} set locked_until = null, last_error = ${failure.message} where seq = any(${unsent}::bigint[])`.execute(
        sdb.db,
      );
      throw failure;
    }
    return sent.length + (batch.length === batchSize ? await publishBatch() : 0);
  }

  async function cleanup() {
    if (Date.now() - lastCleanup < 3_600_000) return;
    lastCleanup = Date.now();
    await sql`delete from ${table} where published_at < now() - make_interval(hours => ${retentionHours})`.execute(sdb.db);
  }

  async function runOnce(): Promise<number> {
    let total = 0;
    do {
      again = false;
      try {
        total += await publishBatch();
        backoffMs = 0;
        blockedUntil = 0;
        await cleanup();
      } catch (err) {
        publishFailures.inc({ service });
        backoffMs = Math.min(backoffMs ? backoffMs * 2 : 250, 10_000);
        blockedUntil = Date.now() + backoffMs;
        logger.warn({ err: String(err), retryInMs: backoffMs }, 'outbox relay could not publish; will retry');
        return total;
      }
    } while (again && !stopped);
    return total;
  }

  function wake(): Promise<number> {
    if (stopped || Date.now() < blockedUntil) return Promise.resolve(0);
    if (running) {
      again = true;
      return running;
    }
    running = runOnce().finally(() => (running = undefined));
    return running;
  }

  const unlisten = await sdb.listen(outboxChannel(sdb.schema), () => void wake());
  const timer = setInterval(() => void wake(), pollMs);
  timer.unref();
  void wake();

  return {
    async drain() {
      blockedUntil = 0;
      await running;
      return wake();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten();
      await running;
    },
  };
}
