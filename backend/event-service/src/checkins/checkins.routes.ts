import { createRouteTable, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import {
  checkinRequestSchema,
  checkinSchema,
  checkinSearchQuerySchema,
  checkinSearchResultSchema,
  checkinStatsSchema,
  eventIdParamsSchema,
  undoCheckinParamsSchema,
} from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import type { TicketSigner } from '../registrations/tickets.js';
import { checkIn, checkinStats, searchAttendees, undoCheckIn } from './check-in.js';

/**
 * POST /api/events/:id/checkins        check a ticket in (managers)
 * GET  /api/events/:id/checkins/stats  live counts for the door dashboard (managers)
 * GET  /api/events/:id/checkins/search find attendees by name, email or code (managers)
 * DELETE /api/events/:id/checkins/:registrationId  undo a check-in within 10 minutes (managers, audited)
 */
export function checkinsRoutes(deps: ServiceDeps<EventsDb>, tickets: TicketSigner) {
  const ctx = { db: deps.sdb.db, outbox: deps.outbox, tickets };
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'post',
    path: '/api/events/:id/checkins',
    operationId: 'checkIn',
    summary: 'Check a ticket in by its QR token or its short code; valid once',
    tags: ['checkins'],
    access: 'user',
    params: eventIdParamsSchema,
    body: checkinRequestSchema,
    responses: {
      201: { description: 'Checked in', schema: checkinSchema },
      400: problem('Not a valid ticket or code for this event'),
      403: problem('Not a manager'),
      409: problem('Already checked in (with when and by whom)'),
    },
    handler: async ({ params, body, user, req }) => ({
      status: 201,
      body: await checkIn(ctx, user, params.id, body, originOf(req)),
    }),
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id/checkins/stats',
    operationId: 'checkinStats',
    summary: 'Checked-in and confirmed counts',
    tags: ['checkins'],
    access: 'user',
    params: eventIdParamsSchema,
    responses: {
      200: { description: 'Counts', schema: checkinStatsSchema },
      403: problem('Not a manager'),
    },
    handler: async ({ params, user, req }) => ({ status: 200, body: await checkinStats(ctx, user, params.id, originOf(req)) }),
  });
  routes.add({
    method: 'get',
    path: '/api/events/:id/checkins/search',
    operationId: 'searchCheckinAttendees',
    summary: 'Find confirmed attendees by the start of their name, email or ticket code',
    tags: ['checkins'],
    access: 'user',
    params: eventIdParamsSchema,
    query: checkinSearchQuerySchema,
    responses: {
      200: { description: 'Matches, by name', schema: checkinSearchResultSchema },
      403: problem('Not a manager'),
    },
    handler: async ({ params, query, user, req }) => ({
      status: 200,
      body: await searchAttendees(ctx, user, params.id, query, originOf(req)),
    }),
  });
  routes.add({
    method: 'delete',
    path: '/api/events/:id/checkins/:registrationId',
    operationId: 'undoCheckIn',
    summary: 'Undo a check-in made less than 10 minutes ago (audited)',
    tags: ['checkins'],
    access: 'user',
    params: undoCheckinParamsSchema,
    responses: {
      200: { description: 'Undone; the new counts', schema: checkinStatsSchema },
      403: problem('Not a manager'),
      404: problem('No such registration in this event'),
      409: problem('Not checked in, older than 10 minutes, or changed meanwhile'),
    },
    handler: async ({ params, user, req }) => ({
      status: 200,
      body: await undoCheckIn(ctx, user, params.id, params.registrationId, originOf(req)),
    }),
  });
  return routes;
}
