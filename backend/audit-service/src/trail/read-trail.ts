import type { Kysely } from 'kysely';
import type { AuditEntryDto } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { listEntriesInChainOrder, listEntriesNewestFirst } from './entries.repository.js';
import { findBrokenLink } from './hash-chain.js';

/** One page of the trail, newest first: up to `limit` entries before `beforeSeq`, plus one more to tell whether a next page exists. */
export async function readTrailPage(
  db: Kysely<AuditDb>,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<AuditEntryDto[]> {
  return listEntriesNewestFirst(db, { ...(page.beforeSeq !== undefined ? { beforeSeq: page.beforeSeq } : {}), limit: page.limit + 1 });
}

/** Recomputes the whole hash chain and names the first entry whose link or hash does not hold. */
export async function verifyTrail(db: Kysely<AuditDb>): Promise<{ valid: boolean; entries: number; firstBrokenSeq: number | null }> {
  const entries = await listEntriesInChainOrder(db);
  const broken = findBrokenLink(entries);
  return { valid: broken === null, entries: entries.length, firstBrokenSeq: broken };
}
