import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { AuditDb } from '../db/schema.js';
import type { EntryFacets } from './entry-facets.js';
import type { ChainedFields } from './hash-chain.js';

/** An audit entry as stored: the chained fields, its place and links in the chain, and its search facets. */
export interface StoredEntry extends ChainedFields {
  seq: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
  actor: string | null;
  action: string | null;
  outcome: string | null;
  /** The canonical bytes its hash covers, when they were kept (entries recorded since migration 0004). */
  canonical: string | null;
}

/** What the trail can be searched and exported by; every member narrows. */
export interface EntryFilter {
  actor?: string | undefined;
  action?: string | undefined;
  subject?: string | undefined;
  /** The message type, e.g. `checkin.recorded.v1`. */
  type?: string | undefined;
  outcome?: string | undefined;
  /** occurredAt ≥ from */
  from?: Date | undefined;
  /** occurredAt < to */
  to?: Date | undefined;
  /** Case-insensitive substring of the action, type, subject or actor. */
  q?: string | undefined;
  /** Sequence bounds, inclusive. */
  fromSeq?: number | undefined;
  toSeq?: number | undefined;
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
  actor: r.actor,
  action: r.action,
  outcome: r.outcome,
  canonical: r.canonical,
});

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered<O>(q: SelectQueryBuilder<AuditDb, 'entries', O>, f: EntryFilter): SelectQueryBuilder<AuditDb, 'entries', O> {
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.subject !== undefined) q = q.where('subject', '=', f.subject);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.from !== undefined) q = q.where('occurred_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('occurred_at', '<', f.to);
  if (f.fromSeq !== undefined) q = q.where('seq', '>=', String(f.fromSeq));
  if (f.toSeq !== undefined) q = q.where('seq', '<=', String(f.toSeq));
  if (f.q !== undefined) {
    const p = likePattern(f.q);
    q = q.where((eb) => eb.or([eb('action', 'ilike', p), eb('type', 'ilike', p), eb('subject', 'ilike', p), eb('actor', 'ilike', p)]));
  }
  return q;
}

/** True when the filter narrows by anything but sequence bounds. */
export const narrowsContent = (f: EntryFilter) =>
  [f.actor, f.action, f.subject, f.type, f.outcome, f.from, f.to, f.q].some((v) => v !== undefined);

/**
 * Takes the chain's append lock for the rest of the transaction and returns the last entry's hash
 * (undefined for an empty chain). The advisory lock serialises appends across replicas, so two
 * entries can never link to the same predecessor and the chain never forks.
 */
export async function lockChainHead(trx: Transaction<AuditDb>): Promise<string | undefined> {
  await sql`select pg_advisory_xact_lock(hashtext('audit.entries'))`.execute(trx);
  const last = await trx.selectFrom('entries').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last?.hash;
}

/** Appends one entry; call after `lockChainHead` in the same transaction. */
export async function insertEntry(
  trx: Transaction<AuditDb>,
  entry: ChainedFields & EntryFacets & { prevHash: string; hash: string; canonical: string },
): Promise<void> {
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
      actor: entry.actor,
      action: entry.action,
      outcome: entry.outcome,
      canonical: entry.canonical,
    })
    .execute();
}

/** Entries matching `filter`, newest first, strictly before `beforeSeq` when given; at most `limit`. */
export async function searchEntriesNewestFirst(
  db: Kysely<AuditDb>,
  filter: EntryFilter,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<StoredEntry[]> {
  let q = filtered(db.selectFrom('entries').selectAll(), filter);
  if (page.beforeSeq !== undefined) q = q.where('seq', '<', String(page.beforeSeq));
  const rows = await q.orderBy('seq', 'desc').limit(page.limit).execute();
  return rows.map((r) => toEntry(r as EntryRow));
}

/** Entries matching `filter` in chain order, strictly after `afterSeq`; at most `limit` (one batch of a scan). */
export async function entriesInChainOrder(
  db: Kysely<AuditDb>,
  filter: EntryFilter,
  page: { afterSeq?: number | undefined; limit: number },
): Promise<StoredEntry[]> {
  let q = filtered(db.selectFrom('entries').selectAll(), filter);
  if (page.afterSeq !== undefined) q = q.where('seq', '>', String(page.afterSeq));
  const rows = await q.orderBy('seq').limit(page.limit).execute();
  return rows.map((r) => toEntry(r as EntryRow));
}

/** How many entries match, and the last of them in chain order (what an export covers when it starts). */
export async function snapshotOf(
  db: Kysely<AuditDb>,
  filter: EntryFilter,
): Promise<{ count: number; last?: { seq: number; hash: string } }> {
  const last = await filtered(db.selectFrom('entries').select(['seq', 'hash']), filter)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return { count: 0 };
  const counted = await filtered(
    db.selectFrom('entries').select((eb) => eb.fn.countAll<string>().as('n')),
    {
      ...filter,
      toSeq: Number(last.seq),
    },
  ).executeTakeFirstOrThrow();
  return { count: Number(counted.n), last: { seq: Number(last.seq), hash: last.hash } };
}

/** The first entry still in the chain (after any archived prefix). */
export async function firstEntry(db: Kysely<AuditDb>): Promise<StoredEntry | undefined> {
  const row = await db.selectFrom('entries').selectAll().orderBy('seq').limit(1).executeTakeFirst();
  return row ? toEntry(row as EntryRow) : undefined;
}

/** The first and last sequence numbers of the chain within [fromSeq, toSeq] (inclusive), or undefined when none is there. */
export async function chainSeqBounds(
  db: Kysely<AuditDb>,
  range: { fromSeq?: number | undefined; toSeq?: number | undefined },
): Promise<{ minSeq: number; maxSeq: number } | undefined> {
  let q = db.selectFrom('entries').select((eb) => [eb.fn.min('seq').as('min'), eb.fn.max('seq').as('max')]);
  if (range.fromSeq !== undefined) q = q.where('seq', '>=', String(range.fromSeq));
  if (range.toSeq !== undefined) q = q.where('seq', '<=', String(range.toSeq));
  const row = await q.executeTakeFirst();
  return row?.min != null && row.max != null ? { minSeq: Number(row.min), maxSeq: Number(row.max) } : undefined;
}

/** Archive tombstones in the chain (entries of `type`), oldest first. */
export async function tombstones(db: Kysely<AuditDb>, type: string): Promise<StoredEntry[]> {
  const rows = await db.selectFrom('entries').selectAll().where('type', '=', type).orderBy('seq').execute();
  return rows.map((r) => toEntry(r as EntryRow));
}

/** The last entry that occurred before `cutoff`, in chain order: the end of what retention may archive. */
export async function lastEntryBefore(db: Kysely<AuditDb>, cutoff: Date): Promise<{ seq: number; hash: string } | undefined> {
  // Chain order, not time order: an entry is archivable only with every entry before it.
  const firstKept = await db
    .selectFrom('entries')
    .select('seq')
    .where('occurred_at', '>=', cutoff)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  let q = db.selectFrom('entries').select(['seq', 'hash']);
  if (firstKept) q = q.where('seq', '<', firstKept.seq);
  const row = await q.orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

/** Deletes the chain's prefix up to and including `toSeq`; call under the append lock. */
export async function deleteEntriesThrough(trx: Transaction<AuditDb>, toSeq: number): Promise<number> {
  const result = await trx.deleteFrom('entries').where('seq', '<=', String(toSeq)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The sequence numbers of the entries recorded in [from, to): a time range as a contiguous stretch of the chain. */
export async function seqRangeRecorded(
  db: Kysely<AuditDb>,
  range: { from?: Date | undefined; to?: Date | undefined },
): Promise<{ fromSeq?: number; toSeq?: number }> {
  const out: { fromSeq?: number; toSeq?: number } = {};
  if (range.from) {
    const row = await db
      .selectFrom('entries')
      .select('seq')
      .where('recorded_at', '>=', range.from)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    // Nothing recorded since `from`: an empty range.
    out.fromSeq = row ? Number(row.seq) : Number.MAX_SAFE_INTEGER;
  }
  if (range.to) {
    const row = await db
      .selectFrom('entries')
      .select('seq')
      .where('recorded_at', '<', range.to)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    out.toSeq = row ? Number(row.seq) : 0;
  }
  return out;
}

/** The hash of the entry at `seq`, when it is still in the chain. */
export async function hashAt(db: Kysely<AuditDb> | Transaction<AuditDb>, seq: number): Promise<string | undefined> {
  const row = await db.selectFrom('entries').select('hash').where('seq', '=', String(seq)).executeTakeFirst();
  return row?.hash;
}

/** One group of `countEntriesByBucket`: entries of one action, outcome and type in one bucket. */
export interface BucketCount {
  /** The bucket's start (an instant). */
  bucket: string;
  action: string | null;
  outcome: string | null;
  type: string;
  count: number;
}

/**
 * Entries that occurred in [from, to), counted by PostgreSQL per `bucket` (the bucket's start in
 * time zone `tz`: a day is that zone's day), action, outcome and type; ordered by bucket. Served by
 * the (occurred_at, action, outcome, type) index: a range scan that never reads the entries' data.
 */
export async function countEntriesByBucket(
  db: Kysely<AuditDb>,
  range: { from: Date; to: Date; bucket: 'hour' | 'day' | 'week' | 'month'; tz: string },
): Promise<BucketCount[]> {
  const bucket = sql<Date>`date_trunc(${range.bucket}, occurred_at, ${range.tz})`;
  const rows = await db
    .selectFrom('entries')
    .select((eb) => [bucket.as('bucket'), 'action', 'outcome', 'type', eb.fn.countAll<string>().as('n')])
    .where('occurred_at', '>=', range.from)
    .where('occurred_at', '<', range.to)
    // By position: the bucket expression carries parameters, and a repeated `date_trunc($1, …)`
    // would be a different expression to PostgreSQL than the selected one.
    .groupBy([sql`1`, sql`2`, sql`3`, sql`4`])
    .orderBy(sql`1`)
    .orderBy(sql`2`)
    .orderBy(sql`3`)
    .orderBy(sql`4`)
    .execute();
  return rows.map((r) => ({
    bucket: new Date(r.bucket).toISOString(),
    action: r.action,
    outcome: r.outcome,
    type: r.type,
    count: Number(r.n),
  }));
}

/**
 * One entry as verification needs it. With `canonical` (entries recorded since the column exists),
 * `consistent` says whether those bytes hold exactly the entry's columns — id, type, source,
 * subject, the instant it occurred and its data, compared by PostgreSQL as JSON — and the columns
 * are not sent (`fields` null); without, the columns come to be hashed as before.
 */
export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
  canonical: string | null;
  consistent: boolean | null;
  fields: ChainedFields | null;
}

/**
 * The entries in [fromSeq, toSeq] after `afterSeq`, in chain order, at most `limit`, for
 * verification. Fails (an SQL error) when a stored canonical text is not JSON or names no valid
 * instant: that can only be tampering, and the caller then checks the batch from the columns.
 */
export async function chainLinksInOrder(
  db: Kysely<AuditDb>,
  range: { fromSeq?: number | undefined; toSeq?: number | undefined },
  page: { afterSeq?: number | undefined; limit: number },
): Promise<ChainLink[]> {
  // The bytes are read as JSON once per row: a lateral subquery, kept from being inlined (which
  // would parse them again at every reference) by OFFSET 0.
  const c = sql`j.c`;
  let q = db
    .selectFrom('entries')
    .leftJoinLateral(
      () =>
        db
          .selectNoFrom(sql<unknown>`entries.canonical::jsonb`.as('c'))
          .offset(0)
          .as('j'),
      (join) => join.onTrue(),
    )
    .select([
      'seq',
      'prev_hash',
      'hash',
      'canonical',
      sql<boolean | null>`case when canonical is null then null else (
        jsonb_typeof(${c}) = 'object'
        and (${c}->>'id') is not distinct from id
        and (${c}->>'type') is not distinct from type
        and (${c}->>'source') is not distinct from source
        and (${c}->'subject') is not distinct from coalesce(to_jsonb(subject), 'null'::jsonb)
        and (${c}->'data') is not distinct from data
        and jsonb_typeof(${c}->'occurredAt') = 'string'
        and (${c}->>'occurredAt')::timestamptz = occurred_at
      ) end`.as('consistent'),
      // The columns only where there are no canonical bytes: nothing else is parsed per entry.
      sql<string | null>`case when canonical is null then id end`.as('id'),
      sql<string | null>`case when canonical is null then type end`.as('type'),
      sql<string | null>`case when canonical is null then source end`.as('source'),
      sql<string | null>`case when canonical is null then subject end`.as('subject'),
      sql<Date | null>`case when canonical is null then occurred_at end`.as('occurred_at'),
      sql<unknown>`case when canonical is null then data end`.as('data'),
    ]);
  if (range.fromSeq !== undefined) q = q.where('seq', '>=', String(range.fromSeq));
  if (range.toSeq !== undefined) q = q.where('seq', '<=', String(range.toSeq));
  if (page.afterSeq !== undefined) q = q.where('seq', '>', String(page.afterSeq));
  const rows = await q.orderBy('seq').limit(page.limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
    canonical: r.canonical,
    consistent: r.consistent,
    fields:
      r.canonical === null
        ? {
            id: r.id ?? '',
            type: r.type ?? '',
            source: r.source ?? '',
            subject: r.subject,
            occurredAt: new Date(r.occurred_at ?? 0).toISOString(),
            data: r.data,
          }
        : null,
  }));
}
