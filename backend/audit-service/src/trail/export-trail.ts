import type { Kysely } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe, type SigningKeys } from '@secureevent/shared';
import type { AuditEntryDto } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { changesCell } from './changes-cell.js';
import { signChainHead, type ChainHead } from './chain-head.js';
import { entriesInChainOrder, narrowsContent, snapshotOf, type EntryFilter, type StoredEntry } from './entries.repository.js';

/** Rows per round trip: memory stays bounded by one batch, whatever the export's size. */
const BATCH = 1000;

/** The columns of a CSV export, in order; `data` is JSON, `changes` its before/after made readable (`changes-cell.ts`). */
export const CSV_COLUMNS = [
  'seq',
  'id',
  'type',
  'source',
  'subject',
  'occurredAt',
  'recordedAt',
  'actor',
  'action',
  'outcome',
  'changes',
  'data',
  'prevHash',
  'hash',
] as const;

/** A streamed export: the signed chain head, known before the first byte, and the body. */
export interface TrailExport {
  signedHead: string;
  head: ChainHead;
  contentType: 'application/x-ndjson' | 'text/csv; charset=utf-8';
  body: AsyncIterable<string>;
}

export const toEntryDto = (e: StoredEntry): AuditEntryDto => ({
  seq: e.seq,
  id: e.id,
  type: e.type,
  source: e.source,
  subject: e.subject,
  occurredAt: e.occurredAt,
  recordedAt: e.recordedAt,
  actor: e.actor,
  action: e.action,
  outcome: e.outcome,
  data: e.data,
  prevHash: e.prevHash,
  hash: e.hash,
});

async function* batches(db: Kysely<AuditDb>, filter: EntryFilter): AsyncGenerator<StoredEntry[]> {
  let afterSeq: number | undefined;
  for (;;) {
    const batch = await entriesInChainOrder(db, filter, { afterSeq, limit: BATCH });
    if (batch.length > 0) yield batch;
    if (batch.length < BATCH) return;
    afterSeq = batch.at(-1)!.seq;
  }
}

/**
 * Exports the entries matching `filter` in chain order, as NDJSON (one entry a line, then a last
 * line with the signed chain head) or CSV (spreadsheet-safe cells; the signed head goes in the
 * `Audit-Chain-Head` header). The export covers the chain as it stood when it began: entries
 * appended while it streams are left for the next one, so the signed head is exact.
 */
export async function exportTrail(
  db: Kysely<AuditDb>,
  keys: SigningKeys,
  request: { format: 'ndjson' | 'csv'; filter: EntryFilter; query: Record<string, string> },
): Promise<TrailExport> {
  const snapshot = await snapshotOf(db, request.filter);
  const filter: EntryFilter = { ...request.filter, toSeq: snapshot.last?.seq ?? 0 };
  let firstSeq: number | null = null;
  if (snapshot.last) firstSeq = (await entriesInChainOrder(db, filter, { limit: 1 }))[0]?.seq ?? null;
  const head: ChainHead = {
    count: snapshot.count,
    firstSeq,
    lastSeq: snapshot.last?.seq ?? null,
    lastHash: snapshot.last?.hash ?? null,
    linked: !narrowsContent(request.filter),
    filter: request.query,
    exportedAt: new Date().toISOString(),
  };
  const signedHead = await signChainHead(keys, head);
  const source = snapshot.last ? batches(db, filter) : (async function* () {})();

  if (request.format === 'ndjson') {
    return {
      signedHead,
      head,
      contentType: 'application/x-ndjson',
      body: (async function* () {
        for await (const batch of source) yield batch.map((e) => `${JSON.stringify(toEntryDto(e))}\n`).join('');
        yield `${JSON.stringify({ chainHead: head, signature: signedHead })}\n`;
      })(),
    };
  }
  return {
    signedHead,
    head,
    contentType: 'text/csv; charset=utf-8',
    body: (async function* () {
      // A byte-order mark, so that spreadsheets read the file as UTF-8.
      yield '\uFEFF' + stringify([[...CSV_COLUMNS]]);
      for await (const batch of source) {
        yield stringify(
          batch.map((e) => {
            const dto = toEntryDto(e);
            return CSV_COLUMNS.map((c) => {
              const v = c === 'data' ? JSON.stringify(dto.data ?? null) : c === 'changes' ? changesCell(dto.data) : dto[c];
              return spreadsheetSafe(v === null || v === undefined ? '' : String(v));
            });
          }),
        );
      }
    })(),
  };
}
