import { createRouteTable, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { attendeeExportQuerySchema, eventIdParamsSchema } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { exportAttendees } from './export-attendees.js';

/**
 * GET /api/events/:id/attendees/export?format=csv|xlsx&columns=  attendees as a file (managers, audited)
 */
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
    handler: async ({ params, query, user, req }) => {
      const file = await exportAttendees(ctx, user, params.id, query, originOf(req));
      return {
        status: 200,
        headers: { 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' },
        raw: { contentType: file.contentType, content: file.content },
      };
    },
  });
  return routes;
}
