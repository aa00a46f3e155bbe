import type { Kysely } from 'kysely';
import type { AuditEntryDto, AuditStatsBucket, AuditStatsDto } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { countEntriesByBucket, searchEntriesNewestFirst, seqRangeRecorded, type EntryFilter } from './entries.repository.js';
import { toEntryDto } from './export-trail.js';
import { verifyTrail, type TrailVerification } from './verify-trail.js';

/** One page of the trail matching `filter`, newest first: up to `limit` entries before `beforeSeq`, plus one to tell whether another page follows. */
export async function searchTrail(
  db: Kysely<AuditDb>,
  filter: EntryFilter,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<AuditEntryDto[]> {
  return (await searchEntriesNewestFirst(db, filter, { beforeSeq: page.beforeSeq, limit: page.limit + 1 })).map(toEntryDto);
}

/** Verifies the chain between two points, each a sequence number or an instant (when the entry was recorded). */
export async function verifyTrailRange(
  db: Kysely<AuditDb>,
  range: { from?: number | string | undefined; to?: number | string | undefined },
): Promise<TrailVerification> {
  const byTime = await seqRangeRecorded(db, {
    from: typeof range.from === 'string' ? new Date(range.from) : undefined,
    to: typeof range.to === 'string' ? new Date(range.to) : undefined,
  });
  const fromSeq = typeof range.from === 'number' ? range.from : byTime.fromSeq;
  const toSeq = typeof range.to === 'number' ? range.to : byTime.toSeq;
  return verifyTrail(db, { ...(fromSeq !== undefined ? { fromSeq } : {}), ...(toSeq !== undefined ? { toSeq } : {}) });
}

/** Exact counts of the entries that occurred in [from, to) per bucket (in time zone `tz`), action, outcome and type. */
export async function countTrail(
  db: Kysely<AuditDb>,
  q: { from: string; to: string; bucket: AuditStatsBucket; tz: string },
): Promise<AuditStatsDto> {
  const from = new Date(q.from);
  const to = new Date(q.to);
  const counts = await countEntriesByBucket(db, { from, to, bucket: q.bucket, tz: q.tz });
  return { from: from.toISOString(), to: to.toISOString(), bucket: q.bucket, tz: q.tz, counts };
}
