import { createRouteTable, problemResponse, type ServiceDeps } from '@secureevent/shared';
import { emailDeliveryPageSchema, emailDeliveryStatusSchema, pageQuerySchema } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { listDeliveries } from './list-deliveries.js';

const query = pageQuerySchema.extend({
  status: emailDeliveryStatusSchema.optional().meta({ description: 'Only deliveries in this state, e.g. `failed`.' }),
});

/**
 * GET /api/notifications/deliveries?status=failed  outgoing email and its fate, newest first (admins)
 */
export function deliveriesRoutes(deps: ServiceDeps<NotificationsDb>) {
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/notifications/deliveries',
    operationId: 'listEmailDeliveries',
    summary: 'Outgoing email by status, with attempts and the last error (no addresses, no content)',
    tags: ['notifications'],
    access: ['admin'],
    query,
    responses: {
      200: { description: 'A page of deliveries', schema: emailDeliveryPageSchema },
      400: problemResponse('A bad status or cursor'),
      401: problemResponse('Not signed in'),
      403: problemResponse('Not an admin'),
    },
    handler: async ({ query: q }) => ({ status: 200, body: await listDeliveries(deps.sdb.db, q) }),
  });
  return routes;
}
