import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { AuditDb } from '../db/schema.js';
import { chainLinksInOrder, entriesInChainOrder, firstEntry, tombstones, type ChainLink } from './entries.repository.js';
import { ARCHIVED_TYPE, archivedRangeOf } from './archive-tombstone.js';
import { canonicalEntry, chainHash, entryHash, GENESIS_HASH } from './hash-chain.js';

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

/** Whether one entry's own hash holds: over its stored canonical bytes (which must say what its columns say), or over its columns. */
function hashHolds(link: ChainLink): boolean {
  if (link.canonical !== null) return link.consistent === true && chainHash(link.prevHash, link.canonical) === link.hash;
  return link.consistent !== false && link.fields !== null && entryHash(link.prevHash, link.fields) === link.hash;
}

/**
 * Recomputes the hash chain over `range` (sequence numbers, inclusive; the whole chain without
 * one) and names the first entry whose hash or link does not hold. A range that starts inside the
 * chain trusts its first entry's link to the entry before it; a range that starts at the chain's
 * first entry checks that link against the genesis hash or an archive tombstone.
 *
 * An entry with stored canonical bytes is hashed over them as they are (no re-serialising, the
 * costly step), after PostgreSQL has checked that they hold exactly the entry's columns; one
 * without is hashed over its columns. Either way an edit of the columns or of the bytes breaks the
 * entry, and an edit that keeps the hash breaks the link to the next.
 */
export async function verifyTrail(db: Kysely<AuditDb>, range: { fromSeq?: number; toSeq?: number } = {}): Promise<TrailVerification> {
  const started = performance.now();
  const first = await firstEntry(db);
  const starts = first && (range.fromSeq === undefined || range.fromSeq <= first.seq) ? await validStartHashes(db) : undefined;
  let prev: string | undefined;
  let count = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let broken: number | null = null;
  const check = (e: ChainLink) => {
    if (prev === undefined) {
      firstSeq = e.seq;
      if (e.seq === first?.seq && !starts?.has(e.prevHash)) return false;
    } else if (e.prevHash !== prev) return false;
    return hashHolds(e);
  };
  const bounds = { fromSeq: range.fromSeq, toSeq: range.toSeq };
  const read = (after: number | undefined) => {
    const next = chainLinksInOrder(db, bounds, { afterSeq: after, limit: BATCH }).catch(async () => {
      // Stored bytes that are not JSON (only tampering makes them so): check this batch from the columns alone.
      const entries = await entriesInChainOrder(db, bounds, { afterSeq: after, limit: BATCH });
      return entries.map((e): ChainLink => ({
        seq: e.seq,
        prevHash: e.prevHash,
        hash: e.hash,
        canonical: null,
        // Bytes kept but not what the columns serialise to are an edit, whatever the columns say.
        consistent: e.canonical === null || e.canonical === canonicalEntry(e),
        fields: e,
      }));
    });
    // Awaited below; should the check fail first, the read's own failure must not go unhandled.
    next.catch(() => undefined);
    return next;
  };
  // The next batch is read while this one is hashed: the database's time and the CPU's overlap,
  // and memory stays bounded by two batches.
  let pending: Promise<ChainLink[]> | undefined = read(undefined);
  while (pending) {
    const batch: ChainLink[] = await pending;
    pending = batch.length === BATCH ? read(batch.at(-1)!.seq) : undefined;
    for (const e of batch) {
      if (broken === null && !check(e)) broken = e.seq;
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
