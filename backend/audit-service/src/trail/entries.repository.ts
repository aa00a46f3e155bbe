import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditDb } from '../db/schema.js';
import type { ChainedFields } from './hash-chain.js';

/** An audit entry as stored: the chained fields plus its place and links in the chain. */
export interface StoredEntry extends ChainedFields {
  seq: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

type EntryRow = AuditDb['entries'] & { seq: string; recorded_at: Date };

const toEntry = (r: EntryRow): StoredEntry => ({
  seq: Number(r.seq),
  id: r.id,
  type: r.type,
  source: r.source,
  subject: r.subject,
  occurredAt: new Date(r.occurred_at).toISOString(),
  recordedAt: new Date(r.recorded_at).toISOString(),
  data: r.data,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Takes the chain's append lock for the rest of the transaction and returns the hash of the
 * last entry (undefined for an empty chain). The advisory lock serialises appends across
 * replicas, so two entries can never link to the same predecessor and the chain never forks.
 */
export async function lockChainHead(trx: Transaction<AuditDb>): Promise<string | undefined> {
  await sql`select pg_advisory_xact_lock(hashtext('audit.entries'))`.execute(trx);
  const last = await trx.selectFrom('entries').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last?.hash;
}

/** Appends one entry; call after `lockChainHead` in the same transaction. */
export async function insertEntry(trx: Transaction<AuditDb>, entry: ChainedFields & { prevHash: string; hash: string }): Promise<void> {
  await trx
    .insertInto('entries')
    .values({
      id: entry.id,
      type: entry.type,
      source: entry.source,
      subject: entry.subject,
      occurred_at: new Date(entry.occurredAt),
      data: JSON.stringify(entry.data),
      prev_hash: entry.prevHash,
      hash: entry.hash,
    })
    .execute();
}

/** Entries newest first, strictly before `beforeSeq` when given; at most `limit`. */
export async function listEntriesNewestFirst(db: Kysely<AuditDb>, options: { beforeSeq?: number; limit: number }): Promise<StoredEntry[]> {
  let q = db.selectFrom('entries').selectAll();
  if (options.beforeSeq !== undefined) q = q.where('seq', '<', String(options.beforeSeq));
  const rows = await q.orderBy('seq', 'desc').limit(options.limit).execute();
  return rows.map((r) => toEntry(r as EntryRow));
}

/** Every entry in chain order. */
export async function listEntriesInChainOrder(db: Kysely<AuditDb>): Promise<StoredEntry[]> {
  const rows = await db.selectFrom('entries').selectAll().orderBy('seq').execute();
  return rows.map((r) => toEntry(r as EntryRow));
}
