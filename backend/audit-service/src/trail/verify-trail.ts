import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { AuditDb } from '../db/schema.js';
import { chainLinksInOrder, chainSeqBounds, entriesInChainOrder, firstEntry, tombstones, type ChainLink } from './entries.repository.js';
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
 * Contiguous parts of a long range verified at once, each over its own connection. Most of the
 * time is PostgreSQL's per-row check that the kept bytes hold the columns (a jsonb parse each), and
 * one query runs on one core: parts in parallel use the server's others (PGlite runs them in turn).
 */
const SEGMENTS = 4;
/** Below this many sequence numbers a range is verified in one part. */
const SEGMENT_MIN = 4 * BATCH;

/** What one part of the range found; its first entry's link to the part before is checked by the caller. */
interface SegmentResult {
  count: number;
  firstSeq: number | null;
  firstPrevHash: string | null;
  lastSeq: number | null;
  lastHash: string | null;
  /** The first entry of the part whose own hash, or link inside the part, does not hold. */
  broken: number | null;
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
 * entry, and an edit that keeps the hash breaks the link to the next. A long range is split into
 * parts verified in parallel; the link from each part's first entry to the last entry of the part
 * before is checked once all are done, so the answer is the same as one walk's.
 */
export async function verifyTrail(db: Kysely<AuditDb>, range: { fromSeq?: number; toSeq?: number } = {}): Promise<TrailVerification> {
  const started = performance.now();
  const first = await firstEntry(db);
  const starts = first && (range.fromSeq === undefined || range.fromSeq <= first.seq) ? await validStartHashes(db) : undefined;
  const bounds = await chainSeqBounds(db, range);
  const parts = bounds ? splitRange(bounds.minSeq, bounds.maxSeq) : [];
  const results = await Promise.all(
    parts.map((part, i) => verifySegment(db, part, i === 0 ? (e) => e.seq !== first?.seq || starts?.has(e.prevHash) === true : undefined)),
  );
  let count = 0;
  let broken: number | null = null;
  let before: SegmentResult | undefined;
  const breakAt = (seq: number) => (broken = broken === null ? seq : Math.min(broken, seq));
  for (const r of results) {
    if (r.count === 0) continue;
    count += r.count;
    if (r.broken !== null) breakAt(r.broken);
    if (before && r.firstPrevHash !== before.lastHash) breakAt(r.firstSeq!);
    before = r;
  }
  const firstSeen = results.find((r) => r.count > 0);
  return {
    valid: broken === null,
    entries: count,
    firstBrokenSeq: broken,
    fromSeq: firstSeen?.firstSeq ?? null,
    toSeq: before?.lastSeq ?? null,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** `[min, max]` in up to `SEGMENTS` contiguous parts of equal length (in sequence numbers). */
function splitRange(minSeq: number, maxSeq: number): { fromSeq: number; toSeq: number }[] {
  const span = maxSeq - minSeq + 1;
  const n = span < SEGMENT_MIN ? 1 : SEGMENTS;
  const size = Math.ceil(span / n);
  const parts: { fromSeq: number; toSeq: number }[] = [];
  for (let from = minSeq; from <= maxSeq; from += size) parts.push({ fromSeq: from, toSeq: Math.min(maxSeq, from + size - 1) });
  return parts;
}

/**
 * Walks one part in keyset batches, reading the next batch while this one is hashed (the
 * database's time and the CPU's overlap; memory stays bounded by two batches). `linkHolds`, for
 * the part that starts the range, checks its first entry's link; other parts leave it to the caller.
 */
async function verifySegment(
  db: Kysely<AuditDb>,
  bounds: { fromSeq: number; toSeq: number },
  linkHolds: ((e: ChainLink) => boolean) | undefined,
): Promise<SegmentResult> {
  const result: SegmentResult = { count: 0, firstSeq: null, firstPrevHash: null, lastSeq: null, lastHash: null, broken: null };
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
  let pending: Promise<ChainLink[]> | undefined = read(undefined);
  while (pending) {
    const batch: ChainLink[] = await pending;
    pending = batch.length === BATCH ? read(batch.at(-1)!.seq) : undefined;
    for (const e of batch) {
      if (result.broken === null) {
        const linked = result.lastHash === null ? (linkHolds?.(e) ?? true) : e.prevHash === result.lastHash;
        if (!linked || !hashHolds(e)) result.broken = e.seq;
      }
      if (result.firstSeq === null) {
        result.firstSeq = e.seq;
        result.firstPrevHash = e.prevHash;
      }
      result.lastHash = e.hash;
      result.lastSeq = e.seq;
      result.count++;
    }
  }
  return result;
}
