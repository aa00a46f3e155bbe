import { createRouteTable, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { attendeeExportQuerySchema, eventIdParamsSchema } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { exportAttendees, type AttendeeFile } from './export-attendees.js';

/**
 * GET /api/events/:id/attendees/export?format=csv|xlsx&columns=  attendees as a file (managers, audited)
 * GET /api/events/:id/registrations.csv                          the same file as CSV with every column (the older path)
 */
const download = (file: AttendeeFile) => ({
  status: 200 as const,
  headers: { 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' },
  raw: { contentType: file.contentType, content: file.content },
});

export function exportsRoutes(deps: ServiceDeps<EventsDb>) {
  const ctx = { db: deps.sdb.db, outbox: deps.outbox };
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/events/:id/attendees/export',
    operationId: 'exportAttendeeFile',
    summary: 'Attendees as CSV or XLSX with the chosen columns (formula injection neutralised, streamed, audited)',
    tags: ['exports'],
    access: 'user',
    params: eventIdParamsSchema,
    query: attendeeExportQuerySchema,
    responses: {
      200: {
        description: 'The file',
        contentType: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      },
      403: problem('Not a manager'),
      404: problem('No such event'),
    },
    handler: async ({ params, query, user, req }) => download(await exportAttendees(ctx, user, params.id, query, originOf(req))),
  });
  // Kept for clients of the first CSV export: the same file, every column.
  const everyColumnAsCsv = attendeeExportQuerySchema.parse({ format: 'csv' });
  routes.add({
    method: 'get',
    path: '/api/events/:id/registrations.csv',
    operationId: 'exportAttendees',
    summary: 'Attendees as CSV with every column (the older path of /attendees/export?format=csv)',
    tags: ['exports'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' }, 403: problem('Not a manager'), 404: problem('No such event') },
    handler: async ({ params, user, req }) => {
      const file = await exportAttendees(ctx, user, params.id, everyColumnAsCsv, originOf(req));
      return { ...download(file), raw: { contentType: 'text/csv; charset=utf-8' as const, content: file.content } };
    },
  });
  return routes;
}
