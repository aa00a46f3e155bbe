import { z } from 'zod';
import { createRouteTable, type ServiceDeps } from '@secureevent/shared';
import { notificationPageSchema, pageQuerySchema, problemSchema } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { listInbox, markAllNotificationsRead, markNotificationRead } from './read-inbox.js';

const idParams = z.object({ id: z.string().regex(/^ntf_[0-9a-z]{25}$/, 'must be a ntf_ id') });

/**
 * GET  /api/notifications           the caller's inbox, newest first, with the unread count
 * POST /api/notifications/:id/read  mark one read
 * POST /api/notifications/read-all   mark all read
 */
export function notificationsRoutes(deps: ServiceDeps<NotificationsDb>) {
  const db = deps.sdb.db;
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/notifications',
    operationId: 'listNotifications',
    summary: "The caller's notifications, newest first",
    tags: ['notifications'],
    access: 'user',
    query: pageQuerySchema,
    responses: {
      200: { description: 'A page of notifications', schema: notificationPageSchema },
      401: { description: 'Not signed in', schema: problemSchema },
    },
    handler: async ({ user, query }) => ({ status: 200, body: await listInbox(db, user.id, query) }),
  });
  routes.add({
    method: 'post',
    path: '/api/notifications/:id/read',
    operationId: 'markNotificationRead',
    summary: 'Mark a notification as read',
    tags: ['notifications'],
    access: 'user',
    params: idParams,
    responses: { 204: { description: 'Marked read' }, 404: { description: 'Not yours, or no such notification', schema: problemSchema } },
    handler: async ({ user, params }) => {
      await markNotificationRead(db, user.id, params.id);
      return { status: 204 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/notifications/read-all',
    operationId: 'markAllNotificationsRead',
    summary: 'Mark every notification as read',
    tags: ['notifications'],
    access: 'user',
    responses: { 200: { description: 'How many were marked', schema: z.object({ marked: z.number().int() }) } },
    handler: async ({ user }) => ({ status: 200, body: { marked: await markAllNotificationsRead(db, user.id) } }),
  });
  return routes;
}
