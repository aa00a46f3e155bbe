import { buildOpenApi, type ServiceDefinition } from '@secureevent/shared';
import { migrations } from './db/migrations.js';
import type { AuditDb } from './db/schema.js';
import { auditRoutes } from './trail/audit.routes.js';
import { recordEntryConsumer } from './trail/record-entry.consumer.js';

/** The audit-service: a tamper-evident trail of every message on the exchange (schema `audit`). */
export const auditService: ServiceDefinition<AuditDb> = {
  name: 'audit-service',
  schema: 'audit',
  create(deps) {
    const trail = auditRoutes(deps);
    return {
      name: 'audit-service',
      schema: 'audit',
      migrations,
      routers: [trail.router],
      openapi: {
        path: '/api/audit/openapi.json',
        document: buildOpenApi({ title: 'SecureEvent audit-service', version: '0.1.0', description: 'Tamper-evident audit trail.' }, [
          trail.paths,
        ]),
      },
      consumers: [recordEntryConsumer],
    };
  },
};
