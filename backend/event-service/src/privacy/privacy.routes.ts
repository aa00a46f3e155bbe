import { createRouteTable, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { privacyExportPartSchema } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { privacyRepository } from './privacy.repository.js';

/**
 * GET /api/registrations/mine/export   the caller's part of a personal-data export (the user-service assembles it, ADR 0029)
 */
export function privacyRoutes(deps: ServiceDeps<EventsDb>) {
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/registrations/mine/export',
    operationId: 'exportMyEventData',
    summary: "The caller's registrations with answers, check-ins and profile copy, for their personal-data export",
    tags: ['privacy'],
    access: 'user',
    responses: { 200: { description: "This service's part", schema: privacyExportPartSchema }, 401: problem('Not signed in') },
    handler: async ({ user }) => ({
      status: 200,
      body: { service: 'event-service', userId: user.id, collections: await privacyRepository(deps.sdb.db).exportOf(user.id) },
      headers: { 'cache-control': 'no-store' },
    }),
  });
  return routes;
}
