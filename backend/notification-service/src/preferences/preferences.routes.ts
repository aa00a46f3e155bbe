import { createRouteTable, problemResponse, type ServiceDeps } from '@secureevent/shared';
import { notificationPreferencesSchema, updateNotificationPreferencesSchema } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { preferencesOf, updatePreferences } from './update-preferences.js';

/**
 * GET /api/notifications/preferences  the caller's channel (in_app, email, both) per notification kind
 * PUT /api/notifications/preferences  replace them; a kind left out returns to its default
 */
export function preferencesRoutes(deps: ServiceDeps<NotificationsDb>) {
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/notifications/preferences',
    operationId: 'getNotificationPreferences',
    summary: "The caller's notification channels per kind",
    tags: ['notifications'],
    access: 'user',
    responses: {
      200: { description: 'Every kind with its channel, defaults filled in', schema: notificationPreferencesSchema },
      401: problemResponse('Not signed in'),
    },
    handler: async ({ user }) => ({ status: 200, body: await preferencesOf(deps.sdb.db, user.id) }),
  });
  routes.add({
    method: 'put',
    path: '/api/notifications/preferences',
    operationId: 'updateNotificationPreferences',
    summary: "Replace the caller's notification channels",
    tags: ['notifications'],
    access: 'user',
    body: updateNotificationPreferencesSchema,
    responses: {
      200: { description: 'The preferences now in force', schema: notificationPreferencesSchema },
      400: problemResponse('An unknown kind or channel'),
      401: problemResponse('Not signed in'),
    },
    handler: async ({ user, body }) => ({ status: 200, body: await updatePreferences(deps.sdb.db, user.id, body) }),
  });
  return routes;
}
