import { createRouteTable, type ServiceDeps, problemResponse as problem } from '@secureevent/shared';
import { privacyExportPartSchema } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { privacyRepository } from './privacy.repository.js';

/**
 * GET /api/audit/mine/export   the caller's audit entries, their part of a personal-data export (ADR 0029)
 */
export function privacyRoutes(deps: ServiceDeps<AuditDb>) {
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/audit/mine/export',
    operationId: 'exportMyAuditEntries',
    summary: 'The audit entries that name the caller, for their personal-data export (personal values stay keyed references)',
    tags: ['privacy'],
    access: 'user',
    responses: { 200: { description: "This service's part", schema: privacyExportPartSchema }, 401: problem('Not signed in') },
    handler: async ({ user }) => ({
      status: 200,
      body: { service: 'audit-service', userId: user.id, collections: await privacyRepository(deps.sdb.db).exportOf(user.id) },
      headers: { 'cache-control': 'no-store' },
    }),
  });
  return routes;
}
