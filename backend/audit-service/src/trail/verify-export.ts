import { parse } from 'csv-parse';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { restoreSpreadsheetCell } from '@secureevent/shared';
import { verifyChainHead, type ChainHead } from './chain-head.js';
import { changesCell } from './changes-cell.js';
import { CSV_COLUMNS } from './export-trail.js';
import { entryHash, type ChainedFields } from './hash-chain.js';

/** The verdict on an export: valid, or the first entry (by sequence number) that does not hold, and why. */
export type ExportVerdict =
  { valid: true; entries: number; head: ChainHead } | { valid: false; entries: number; firstBadSeq: number | null; reason: string };

/** One exported entry, as far as verification needs it. */
export interface ExportedEntry extends ChainedFields {
  seq: number;
  prevHash: string;
  hash: string;
}

type Keys = JSONWebKeySet | JWTVerifyGetKey;

/** The columns of CSV exports made before the `changes` column; they still verify. */
const LEGACY_CSV_COLUMNS = CSV_COLUMNS.filter((c) => c !== 'changes');

/**
 * Checks entries as they stream, in constant memory, and judges them once the signed head is
 * known (it is the last line of an NDJSON export). It keeps the first entry that fails each check,
 * so the verdict names the first bad sequence number whichever checks the head calls for.
 */
export class ExportChecker {
  private count = 0;
  private first: ExportedEntry | undefined;
  private last: ExportedEntry | undefined;
  private firstBadHash: number | undefined;
  private firstBadLink: number | undefined;
  private firstBadOrder: number | undefined;

  add(e: ExportedEntry): void {
    this.count++;
    this.first ??= e;
    if (this.last && e.seq <= this.last.seq) this.firstBadOrder ??= e.seq;
    if (this.last && e.prevHash !== this.last.hash) this.firstBadLink ??= e.seq;
    if (entryHash(e.prevHash, e) !== e.hash) this.firstBadHash ??= e.seq;
    this.last = e;
  }

  async verdict(signedHead: string | undefined, keys: Keys): Promise<ExportVerdict> {
    const fail = (reason: string, firstBadSeq: number | null = null): ExportVerdict => ({
      valid: false,
      entries: this.count,
      firstBadSeq,
      reason,
    });
    if (signedHead === undefined) return fail('the export carries no signed chain head');
    let head: ChainHead;
    try {
      head = await verifyChainHead(signedHead, keys);
    } catch (err) {
      return fail(`the chain head's signature does not verify (${(err as Error).message})`);
    }
    const bad: [number | undefined, string][] = [
      [this.firstBadOrder, 'entries are out of order'],
      [this.firstBadHash, "the entry's content does not match its hash"],
      [head.linked ? this.firstBadLink : undefined, 'the entry does not link to the one before it'],
    ];
    const firstBad = bad.filter((b): b is [number, string] => b[0] !== undefined).sort((a, b) => a[0] - b[0])[0];
    if (firstBad) return fail(firstBad[1], firstBad[0]);
    if (head.firstSeq !== null && this.first && this.first.seq !== head.firstSeq)
      return fail('the first entry is not the one the signed head names', this.first.seq);
    if (this.count !== head.count) return fail(`the signed head counts ${head.count} entries; the export has ${this.count}`);
    if ((this.last?.hash ?? null) !== head.lastHash || (this.last?.seq ?? null) !== head.lastSeq)
      return fail('the last entry is not the one the signed head names', this.last?.seq ?? null);
    return { valid: true, entries: this.count, head };
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? ''));

const entryOf = (o: Record<string, unknown>): ExportedEntry => ({
  seq: Number(o.seq),
  id: str(o.id),
  type: str(o.type),
  source: str(o.source),
  subject: o.subject === null || o.subject === undefined ? null : str(o.subject),
  occurredAt: str(o.occurredAt),
  data: o.data ?? null,
  prevHash: str(o.prevHash),
  hash: str(o.hash),
});

/** Verifies an NDJSON export, streamed line by line; its last line carries the signed head. */
export async function verifyNdjsonExport(lines: AsyncIterable<string> | Iterable<string>, keys: Keys): Promise<ExportVerdict> {
  const checker = new ExportChecker();
  let signedHead: string | undefined;
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const malformed = (reason: string): ExportVerdict => ({ valid: false, entries: n, firstBadSeq: null, reason });
    if (signedHead !== undefined) return malformed(`line ${n} comes after the signed chain head`);
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return malformed(`line ${n} is not JSON`);
    }
    if (typeof o.signature === 'string' && 'chainHead' in o) signedHead = o.signature;
    else checker.add(entryOf(o));
  }
  return checker.verdict(signedHead, keys);
}

/** Verifies a CSV export, streamed, with the signed head from its `Audit-Chain-Head` header. */
export async function verifyCsvExport(
  csv: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  signedHead: string,
  keys: Keys,
): Promise<ExportVerdict> {
  const checker = new ExportChecker();
  const parser = parse({ bom: true, columns: true, skip_empty_lines: true });
  const feeding = (async () => {
    for await (const chunk of csv) if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
    parser.end();
  })();
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    const columns = Object.keys(row).join(',');
    if (columns !== CSV_COLUMNS.join(',') && columns !== LEGACY_CSV_COLUMNS.join(','))
      return { valid: false, entries: 0, firstBadSeq: null, reason: 'the CSV columns are not those of an audit export' };
    const cell = (c: (typeof CSV_COLUMNS)[number]) => restoreSpreadsheetCell(row[c] ?? '');
    let data: unknown;
    try {
      data = JSON.parse(cell('data') || 'null');
    } catch {
      return { valid: false, entries: 0, firstBadSeq: Number(cell('seq')), reason: 'the data cell is not JSON' };
    }
    // The readable cell is not hashed: it must say exactly what the hashed data says.
    if ('changes' in row && cell('changes') !== changesCell(data))
      return { valid: false, entries: 0, firstBadSeq: Number(cell('seq')), reason: 'the changes cell does not match the entry’s data' };
    checker.add(
      entryOf({
        seq: cell('seq'),
        id: cell('id'),
        type: cell('type'),
        source: cell('source'),
        subject: cell('subject') === '' ? null : cell('subject'),
        occurredAt: cell('occurredAt'),
        data,
        prevHash: cell('prevHash'),
        hash: cell('hash'),
      }),
    );
  }
  await feeding;
  return checker.verdict(signedHead, keys);
}
