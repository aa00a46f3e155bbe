import { createRouteTable, type ReadinessProbe, type ServiceDeps } from '@secureevent/shared';
import { platformHealthSchema, problemSchema } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { gatherPlatformHealth } from './gather-platform-health.js';

/**
 * GET /api/audit/platform-health  every service's readiness, dependencies, version and uptime (admin)
 *
 * Under the audit-service (the plan's "audit and telemetry" service) so the gateway, the Ingress
 * and the Helm chart route it as they route /api/audit (ADR 0031).
 */
export function platformHealthRoutes(deps: ServiceDeps<AuditDb>, probes: () => readonly ReadinessProbe[], timeoutMs?: number) {
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/audit/platform-health',
    operationId: 'getPlatformHealth',
    summary: 'Every service’s readiness, its dependencies (database, broker, cache), version and uptime',
    tags: ['platform'],
    access: ['admin'],
    responses: {
      200: { description: 'Each service as its own /readyz answered, or down when it did not in time', schema: platformHealthSchema },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async () => ({
      status: 200,
      body: await gatherPlatformHealth(probes(), timeoutMs),
      headers: { 'cache-control': 'no-store' },
    }),
  });
  return routes;
}
