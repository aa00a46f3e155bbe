import { z } from 'zod';
import { createRouteTable, cursorCodec, problemResponse, toPage, type ServiceDeps } from '@secureevent/shared';
import { emailDeliveryPageSchema, emailDeliveryStatusSchema, pageQuerySchema } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { emailDeliveriesRepository } from './email-deliveries.repository.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));
const query = pageQuerySchema.extend({
  status: emailDeliveryStatusSchema.optional().meta({ description: 'Only deliveries in this state, e.g. `failed`.' }),
});

/**
 * GET /api/notifications/deliveries?status=failed  outgoing email and its fate, newest first (admins)
 */
export function deliveriesRoutes(deps: ServiceDeps<NotificationsDb>) {
  const repo = emailDeliveriesRepository(deps.sdb.db);
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
    handler: async ({ query: q }) => {
      const items = await repo.list({ status: q.status, before: cursor.decode(q.cursor), limit: q.limit + 1 });
      return { status: 200, body: toPage(items, q.limit, (d) => ({ createdAt: d.createdAt, id: d.id }), cursor.encode) };
    },
  });
  return routes;
}
