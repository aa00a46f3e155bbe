import { sql, type Kysely, type Transaction } from 'kysely';
import type { Envelope } from './envelope.js';

/** The NOTIFY channel that wakes a schema's relay. */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}

/** An outbox row the relay has leased: its commit-order sequence and the envelope to publish. */
export interface ClaimedMessage {
  seq: string;
  envelope: Envelope;
}

/**
 * Inserts `envelopes` into `schema`'s outbox inside `trx` and wakes the relay. One round trip for
 * all rows and the wake-up: callers often hold a hot row lock meanwhile. NOTIFY is transactional:
 * the relay is woken at commit, and never for a rolled-back write; identical notifications within
 * a transaction are delivered once.
 */
export async function insertOutboxMessages<DB>(trx: Transaction<DB>, schema: string, envelopes: readonly Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  const rows = envelopes.map((e) => sql`(${e.id}, ${e.type}, ${JSON.stringify(e)}::jsonb)`);
  await sql`insert into ${sql.id(schema, 'outbox')} (id, type, envelope) values ${sql.join(rows)} returning pg_notify(${outboxChannel(schema)}, '')`.execute(
    trx,
  );
}

/**
 * Leases up to `limit` unpublished rows for `leaseSeconds` (FOR UPDATE SKIP LOCKED, so replicas
 * share the work), oldest first; the rows come back in commit order.
 */
export async function claimOutboxBatch(
  db: Kysely<unknown>,
  schema: string,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedMessage[]> {
  const table = sql.id(schema, 'outbox');
  const { rows } = await sql<{ seq: string; envelope: Envelope | string }>`
    update ${table} set locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where seq in (
      select seq from ${table}
      where published_at is null and (locked_until is null or locked_until < now())
      order by seq limit ${limit}
      for update skip locked)
    returning seq, envelope`.execute(db);
  return rows
    .map((r) => ({ seq: String(r.seq), envelope: typeof r.envelope === 'string' ? (JSON.parse(r.envelope) as Envelope) : r.envelope }))
    .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
}

/** Marks rows published and drops their lease. */
export async function markOutboxPublished(db: Kysely<unknown>, schema: string, seqs: readonly string[]): Promise<void> {
  if (seqs.length === 0) return;
  await sql`update ${sql.id(schema, 'outbox')} set published_at = now(), locked_until = null, last_error = null where seq = any(${seqs}::bigint[])`.execute(
    db,
  );
}

/** Releases the lease on rows that could not be published, recording why, so a retry need not wait for the lease to expire. */
export async function releaseOutboxRows(db: Kysely<unknown>, schema: string, seqs: readonly string[], error: string): Promise<void> {
  if (seqs.length === 0) return;
  await sql`update ${sql.id(schema, 'outbox')} set locked_until = null, last_error = ${error} where seq = any(${seqs}::bigint[])`.execute(
    db,
  );
}

/** Deletes rows published more than `retentionHours` ago. */
export async function deletePublishedOutboxRows(db: Kysely<unknown>, schema: string, retentionHours: number): Promise<void> {
  await sql`delete from ${sql.id(schema, 'outbox')} where published_at < now() - make_interval(hours => ${retentionHours})`.execute(db);
}
