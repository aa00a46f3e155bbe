import type { Transaction } from 'kysely';
import type { Envelope } from '@secureevent/shared';
import type { AuditDb } from '../db/schema.js';
import { withoutPersonalValues } from '../privacy/personal-fields.js';
import { insertEntry, lockChainHead } from './entries.repository.js';
import { entryFacets } from './entry-facets.js';
import { canonicalEntry, chainHash, GENESIS_HASH, type ChainedFields } from './hash-chain.js';
import { countEntry } from './trail.metrics.js';

/** Appends one message to the trail, chained to the entry before it (inside the consumer's transaction). */
export async function recordEntry(trx: Transaction<AuditDb>, envelope: Envelope): Promise<void> {
  const prevHash = (await lockChainHead(trx)) ?? GENESIS_HASH;
  const fields: ChainedFields = {
    id: envelope.id,
    type: envelope.type,
    source: envelope.source,
    subject: envelope.subject ?? null,
    occurredAt: new Date(envelope.time).toISOString(),
    // Personal values enter the chain only as keyed references (privacy/personal-fields.ts, ADR 0021).
    data: (await withoutPersonalValues(trx, envelope.type, envelope.data)) ?? null,
  };
  const facets = entryFacets(fields.type, fields.data);
  const canonical = canonicalEntry(fields);
  await insertEntry(trx, { ...fields, ...facets, prevHash, canonical, hash: chainHash(prevHash, canonical) });
  countEntry(facets, fields.data);
}
