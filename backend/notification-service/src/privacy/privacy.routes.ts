import { createRouteTable, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { privacyExportPartSchema } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { privacyRepository } from './privacy.repository.js';

/**
 * GET /api/notifications/mine/export   the caller's part of a personal-data export (the user-service assembles it, ADR 0029)
 */
export function privacyRoutes(deps: ServiceDeps<NotificationsDb>) {
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/notifications/mine/export',
    operationId: 'exportMyNotificationData',
    summary: "The caller's notifications, preferences, email and reminders, for their personal-data export",
    tags: ['privacy'],
    access: 'user',
    responses: { 200: { description: "This service's part", schema: privacyExportPartSchema }, 401: problem('Not signed in') },
    handler: async ({ user }) => ({
      status: 200,
      body: { service: 'notification-service', userId: user.id, collections: await privacyRepository(deps.sdb.db).exportOf(user.id) },
      headers: { 'cache-control': 'no-store' },
    }),
  });
  return routes;
}
