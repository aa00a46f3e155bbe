import { createRouteTable, originOf, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { duplicateEventRequestSchema, eventIdParamsSchema, eventSchema } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { duplicateEvent } from './duplicate-event.js';

/**
 * POST /api/events/:id/duplicate  copy an event into a new draft, times moved to `startsAt` (managers, audited)
 */
export function duplicateRoutes(deps: ServiceDeps<EventsDb>) {
  const ctx = { db: deps.sdb.db, outbox: deps.outbox };
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'post',
    path: '/api/events/:id/duplicate',
    operationId: 'duplicateEvent',
    summary: 'Copy an event (not its attendees) into a new draft, every time moved with the new start',
    tags: ['events'],
    access: 'user',
    params: eventIdParamsSchema,
    body: duplicateEventRequestSchema,
    responses: {
      201: { description: 'The new draft', schema: eventSchema },
      400: problem('A time would leave the calendar'),
      403: problem('Not a manager'),
      404: problem('No such event'),
    },
    handler: async ({ params, body, user, req }) => ({
      status: 201,
      body: await duplicateEvent(ctx, user, params.id, body, originOf(req)),
    }),
  });
  return routes;
}
