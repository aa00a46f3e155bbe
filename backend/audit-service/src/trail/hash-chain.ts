import { createHash } from 'node:crypto';
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

/** sha256(prevHash ‖ RFC 8785 canonical JSON of the entry). */
export function entryHash(prevHash: string, entry: ChainedFields): string {
  const canonical = canonicalize({
    id: entry.id,
    type: entry.type,
    source: entry.source,
    subject: entry.subject,
    occurredAt: entry.occurredAt,
    data: entry.data ?? null,
  });
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonical ?? '')
    .digest('hex');
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
