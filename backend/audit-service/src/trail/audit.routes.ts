import { z } from 'zod';
import { createRouteTable, cursorCodec, toPage, type ServiceDeps } from '@secureevent/shared';
import { auditPageSchema, auditVerificationSchema, pageQuerySchema, problemSchema } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { readTrailPage, verifyTrail } from './read-trail.js';

const cursor = cursorCodec(z.object({ seq: z.number().int().positive() }));

/**
 * GET /api/audit         the audit trail, newest first (admin)
 * GET /api/audit/verify  recompute the hash chain and report the first broken entry (admin)
 */
export function auditRoutes(deps: ServiceDeps<AuditDb>) {
  const { db } = deps.sdb;
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/audit',
    operationId: 'listAuditEntries',
    summary: 'The audit trail, newest first',
    tags: ['audit'],
    access: ['admin'],
    query: pageQuerySchema,
    responses: {
      200: { description: 'A page of entries', schema: auditPageSchema },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async ({ query }) => {
      const entries = await readTrailPage(db, { beforeSeq: cursor.decode(query.cursor)?.seq, limit: query.limit });
      return { status: 200, body: toPage(entries, query.limit, (e) => ({ seq: e.seq }), cursor.encode) };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/audit/verify',
    operationId: 'verifyAuditChain',
    summary: 'Verify the tamper-evident hash chain',
    tags: ['audit'],
    access: ['admin'],
    responses: {
      200: { description: 'Verification result', schema: auditVerificationSchema },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async () => ({ status: 200, body: await verifyTrail(db) }),
  });
  return routes;
}
