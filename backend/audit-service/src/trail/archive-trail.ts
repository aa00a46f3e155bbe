import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger, SigningKeys } from '@secureevent/shared';
import type { AuditDb } from '../db/schema.js';
import { ARCHIVED_TYPE, type ArchivedRange } from './archive-tombstone.js';
import { deleteEntriesThrough, firstEntry, hashAt, insertEntry, lastEntryBefore, lockChainHead } from './entries.repository.js';
import { entryFacets } from './entry-facets.js';
import { exportTrail } from './export-trail.js';
import { canonicalEntry, chainHash, GENESIS_HASH, type ChainedFields } from './hash-chain.js';

/** What one archiving run did. */
export interface ArchiveResult {
  archived: number;
  file?: string;
  range?: ArchivedRange;
}

/**
 * Retention: moves the chain's prefix of entries that occurred before `cutoff` into a signed
 * NDJSON export under `archiveDir` (written to a temporary name, fsynced, then renamed), and only
 * then deletes them and appends a tombstone entry recording the range and its last hash, so that
 * verification still succeeds across the gap and the archive can be checked offline. If another
 * replica archived the same range first, this run changes nothing and removes its file.
 */
export async function archiveTrail(
  deps: { db: Kysely<AuditDb>; keys: SigningKeys; archiveDir: string; logger: Logger },
  cutoff: Date,
): Promise<ArchiveResult> {
  const { db, keys, archiveDir, logger } = deps;
  const end = await lastEntryBefore(db, cutoff);
  const start = await firstEntry(db);
  if (!end || !start || start.seq > end.seq) return { archived: 0 };

  await mkdir(archiveDir, { recursive: true, mode: 0o700 });
  // A name of its own per run: a replica racing this one never overwrites or removes its file.
  const name = `audit-${start.seq}-${end.seq}-${randomUUID().slice(0, 8)}.ndjson`;
  const file = path.join(archiveDir, name);
  const partial = `${file}.partial`;
  const exported = await exportTrail(db, keys, {
    format: 'ndjson',
    filter: { fromSeq: start.seq, toSeq: end.seq },
    query: { fromSeq: String(start.seq), toSeq: String(end.seq) },
  });
  const out = createWriteStream(partial, { mode: 0o600 });
  try {
    for await (const chunk of exported.body) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    const handle = await open(partial, 'r');
    await handle.sync();
    await handle.close();
    // In place before the entries go: a crash after this leaves an extra archive, never a lost one.
    await rename(partial, file);
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    await rm(file, { force: true });
    throw err;
  }

  const range: ArchivedRange = { fromSeq: start.seq, toSeq: end.seq, count: exported.head.count, lastHash: end.hash, archive: name };
  const archived = await db.transaction().execute(async (trx) => {
    const head = await lockChainHead(trx);
    // Under the lock: is the exported range still the chain's prefix, unchanged?
    if ((await hashAt(trx, end.seq)) !== end.hash || (await hashAt(trx, start.seq)) === undefined) return 0;
    const deleted = await deleteEntriesThrough(trx, end.seq);
    const prevHash = head ?? GENESIS_HASH;
    const tombstone: ChainedFields = {
      id: randomUUID(),
      type: ARCHIVED_TYPE,
      source: '/secureevent/audit-service',
      subject: null,
      occurredAt: new Date().toISOString(),
      data: range,
    };
    const canonical = canonicalEntry(tombstone);
    await insertEntry(trx, {
      ...tombstone,
      ...entryFacets(tombstone.type, range),
      prevHash,
      canonical,
      hash: chainHash(prevHash, canonical),
    });
    return deleted;
  });
  if (archived === 0) {
    await rm(file, { force: true });
    return { archived: 0 };
  }
  logger.info({ archived, fromSeq: start.seq, toSeq: end.seq, file }, 'audit entries archived');
  return { archived, file, range };
}
