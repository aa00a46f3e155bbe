import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { recordAudit, spreadsheetSafe, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { AttendeeExportQuery } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { assertCanManage } from '../events/event-access.js';
import { exportLayout, type ExportCell } from './attendee-export.js';
import { exportsRepository, type ExportedAttendee } from './exports.repository.js';

type Deps = { db: Kysely<EventsDb>; outbox: Outbox };

/** Rows read per query: the export's memory stays bounded whatever the event's size. */
const PAGE = 500;

const MEDIA = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** A file ready to stream: its media type, its name, and its bytes as they are produced. */
export interface AttendeeFile {
  contentType: (typeof MEDIA)[keyof typeof MEDIA];
  filename: string;
  content: AsyncIterable<string | Buffer>;
}

async function* pagesOf(db: Kysely<EventsDb>, eventId: string): AsyncGenerator<ExportedAttendee[]> {
  let after: [Date, string] | undefined;
  for (;;) {
    const page = await exportsRepository(db).attendeesAfter(eventId, after, PAGE);
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    after = [last.registeredAt, last.id];
  }
}

// Every text cell, the header's question labels included, goes through spreadsheetSafe in both
// formats: an XLSX string cell is not a formula when opened, but it becomes one when someone
// edits it and presses Enter, and the file may be saved on as CSV.
const csvCell = (c: ExportCell) => (c === null ? '' : c instanceof Date ? c.toISOString() : spreadsheetSafe(c));
const xlsxCell = (c: ExportCell) => (c === null ? null : c instanceof Date ? c : spreadsheetSafe(c));

/**
 * The event's attendees (not cancelled ones) as CSV (UTF-8 with BOM, for Excel) or XLSX, with the
 * chosen columns, for the event's managers; read in pages and streamed. The export is audited
 * (with its format and columns) before the first byte is sent.
 */
export async function exportAttendees(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  query: AttendeeExportQuery,
  origin: RequestOrigin,
): Promise<AttendeeFile> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  const layout = exportLayout(query.columns, event.questions);
  await deps.db.transaction().execute((trx) =>
    recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.attendees_exported',
      targetId: eventId,
      outcome: 'success',
      origin,
      changes: [
        { field: 'format', from: null, to: query.format },
        { field: 'columns', from: null, to: query.columns.join(',') },
      ],
    }),
  );
  const filename = `attendees-${eventId}.${query.format}`;
  const pages = pagesOf(deps.db, eventId);
  if (query.format === 'csv') {
    return {
      contentType: MEDIA.csv,
      filename,
      content: (async function* () {
        yield '\uFEFF' + stringify([layout.header.map(csvCell)]);
        for await (const page of pages) yield stringify(page.map((a) => layout.row(a).map(csvCell)));
      })(),
    };
  }
  return { contentType: MEDIA.xlsx, filename, content: xlsxStream(layout, pages) };
}

/** The workbook written by exceljs's streaming writer as the pages come, waiting for the reader when it falls behind. */
function xlsxStream(layout: ReturnType<typeof exportLayout>, pages: AsyncIterable<ExportedAttendee[]>): PassThrough {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Attendees', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = layout.header.map((_, i) =>
    layout.isInstant[i] ? { width: 20, style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : { width: 24 },
  );
  const write = async () => {
    const heading = sheet.addRow(layout.header.map(xlsxCell));
    heading.font = { bold: true };
    heading.commit();
    for await (const page of pages) {
      for (const a of page) sheet.addRow(layout.row(a).map(xlsxCell)).commit();
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    sheet.commit();
    await workbook.commit();
  };
  // A failure mid-file ends the response (the headers are gone): the reader gets a broken file, never a silently short one.
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
