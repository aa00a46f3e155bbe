import * as crypto from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// canonicalize@2 is CommonJS with an ES-style `export default` in its types; v5 (ESM) needs Node 22.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers; anything changed in them breaks the chain from there on. */
export interface ChainedFields {
  id: string;
  type: string;
  source: string;
  subject: string | null;
  occurredAt: string;
  data: unknown;
}

/** The RFC 8785 canonical JSON of an entry's chained fields: what its hash covers after the previous hash. */
export function canonicalEntry(entry: ChainedFields): string {
  return (
    canonicalize({
      id: entry.id,
      type: entry.type,
      source: entry.source,
      subject: entry.subject,
      occurredAt: entry.occurredAt,
      data: entry.data ?? null,
    }) ?? ''
  );
}

// One-shot hashing (Node ≥ 20.12) skips a Hash object per entry; the result is the same digest.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** sha256(prevHash ‖ "\n" ‖ canonical), hex. */
export function chainHash(prevHash: string, canonical: string): string {
  if (oneShot) return oneShot('sha256', `${prevHash}\n${canonical}`, 'hex');
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** sha256(prevHash ‖ RFC 8785 canonical JSON of the entry). */
export function entryHash(prevHash: string, entry: ChainedFields): string {
  return chainHash(prevHash, canonicalEntry(entry));
}

/** Walks entries in order and returns the first whose link or hash does not hold, or null. */
export function findBrokenLink(
  entries: (ChainedFields & { seq: number; prevHash: string; hash: string })[],
  startHash = GENESIS_HASH,
): number | null {
  let prev = startHash;
  for (const e of entries) {
    if (e.prevHash !== prev || entryHash(prev, e) !== e.hash) return e.seq;
    prev = e.hash;
  }
  return null;
}
