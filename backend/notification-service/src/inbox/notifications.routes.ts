import { z } from 'zod';
import { AppError, createRouteTable, cursorCodec, ErrorCode, toPage, type ServiceDeps } from '@secureevent/shared';
import { notificationPageSchema, pageQuerySchema, problemSchema } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { notificationsRepository } from './notifications.repository.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));
const idParams = z.object({ id: z.string().regex(/^ntf_[0-9a-z]{25}$/, 'must be a ntf_ id') });

/**
 * GET  /api/notifications           the caller's inbox, newest first, with the unread count
 * POST /api/notifications/:id/read  mark one read
 * POST /api/notifications/read-all   mark all read
 */
export function notificationsRoutes(deps: ServiceDeps<NotificationsDb>) {
  const repo = notificationsRepository(deps.sdb.db);
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
    handler: async ({ user, query }) => {
      const items = await repo.listForUser(user.id, { before: cursor.decode(query.cursor), limit: query.limit + 1 });
      const page = toPage(items, query.limit, (n) => ({ createdAt: n.createdAt, id: n.id }), cursor.encode);
      return { status: 200, body: { ...page, unread: await repo.countUnread(user.id) } };
    },
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
      // Someone else's notification is indistinguishable from a missing one.
      if (!(await repo.markRead(user.id, params.id))) throw new AppError(ErrorCode.NOT_FOUND, 'No such notification.');
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
    handler: async ({ user }) => ({ status: 200, body: { marked: await repo.markAllRead(user.id) } }),
  });
  return routes;
}
