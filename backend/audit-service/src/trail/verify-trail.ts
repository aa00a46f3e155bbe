import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { AuditDb } from '../db/schema.js';
import { entriesInChainOrder, firstEntry, tombstones, type StoredEntry } from './entries.repository.js';
import { ARCHIVED_TYPE, archivedRangeOf } from './archive-tombstone.js';
import { entryHash, GENESIS_HASH } from './hash-chain.js';

/** Entries read per round trip while verifying: bounded memory whatever the chain's length. */
const BATCH = 5000;

/** The outcome of a verification. */
export interface TrailVerification {
  valid: boolean;
  entries: number;
  firstBrokenSeq: number | null;
  fromSeq: number | null;
  toSeq: number | null;
  durationMs: number;
}

/**
 * Where the chain legitimately starts: the genesis hash, or — after retention archived a prefix —
 * the last archived hash recorded by a tombstone, which is itself an entry of the chain.
 */
async function validStartHashes(db: Kysely<AuditDb>): Promise<Set<string>> {
  const starts = new Set([GENESIS_HASH]);
  for (const t of await tombstones(db, ARCHIVED_TYPE)) {
    const range = archivedRangeOf(t.data);
    if (range) starts.add(range.lastHash);
  }
  return starts;
}

/**
 * Recomputes the hash chain over `range` (sequence numbers, inclusive; the whole chain without
 * one) and names the first entry whose hash or link does not hold. A range that starts inside the
 * chain trusts its first entry's link to the entry before it; a range that starts at the chain's
 * first entry checks that link against the genesis hash or an archive tombstone.
 */
export async function verifyTrail(db: Kysely<AuditDb>, range: { fromSeq?: number; toSeq?: number } = {}): Promise<TrailVerification> {
  const started = performance.now();
  const first = await firstEntry(db);
  let prev: string | undefined;
  let count = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let broken: number | null = null;
  const check = async (e: StoredEntry) => {
    if (prev === undefined) {
      firstSeq = e.seq;
      if (e.seq === first?.seq && !(await validStartHashes(db)).has(e.prevHash)) return false;
    } else if (e.prevHash !== prev) return false;
    return entryHash(e.prevHash, e) === e.hash;
  };
  const read = (after: number | undefined) => {
    const next = entriesInChainOrder(db, { fromSeq: range.fromSeq, toSeq: range.toSeq }, { afterSeq: after, limit: BATCH });
    // Awaited below; should the check fail first, the read's own failure must not go unhandled.
    next.catch(() => undefined);
    return next;
  };
  // The next batch is read while this one is hashed: the database's time and the CPU's overlap,
  // and memory stays bounded by two batches.
  let pending: Promise<StoredEntry[]> | undefined = read(undefined);
  while (pending) {
    const batch: StoredEntry[] = await pending;
    pending = batch.length === BATCH ? read(batch.at(-1)!.seq) : undefined;
    for (const e of batch) {
      if (broken === null && !(await check(e))) broken = e.seq;
      prev = e.hash;
      lastSeq = e.seq;
      count++;
    }
  }
  return {
    valid: broken === null,
    entries: count,
    firstBrokenSeq: broken,
    fromSeq: firstSeq,
    toSeq: lastSeq,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
