import { z } from 'zod';
import { createRouteTable, cursorCodec, toPage, type ServiceDeps, type SigningKeys } from '@secureevent/shared';
import {
  auditExportQuerySchema,
  auditPageSchema,
  auditSearchQuerySchema,
  auditStatsQuerySchema,
  auditStatsSchema,
  auditVerificationSchema,
  auditVerifyQuerySchema,
  jwksSchema,
  problemSchema,
} from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import type { EntryFilter } from './entries.repository.js';
import { exportTrail } from './export-trail.js';
import { countTrail, searchTrail, verifyTrailRange } from './read-trail.js';

const cursor = cursorCodec(z.object({ seq: z.number().int().positive() }));

const filterOf = (q: z.output<typeof auditExportQuerySchema> | z.output<typeof auditSearchQuerySchema>): EntryFilter => ({
  actor: q.actor,
  action: q.action,
  subject: q.subject,
  type: q.type,
  outcome: q.outcome,
  from: q.from ? new Date(q.from) : undefined,
  to: q.to ? new Date(q.to) : undefined,
  q: q.q,
});

/**
 * GET /api/audit                        search the trail, newest first (admin)
 * GET /api/audit/stats                  entries counted per hour, day, week or month, by action, outcome and type (admin)
 * GET /api/audit/export                 stream the trail as NDJSON or CSV with a signed chain head (admin)
 * GET /api/audit/verify                 recompute the hash chain, whole or a range (admin)
 * GET /api/audit/.well-known/jwks.json  the public keys that sign export chain heads (public)
 */
export function auditRoutes(deps: ServiceDeps<AuditDb>, keys: SigningKeys) {
  const { db } = deps.sdb;
  const routes = createRouteTable(deps.verifier);
  routes.add({
    method: 'get',
    path: '/api/audit',
    operationId: 'listAuditEntries',
    summary: 'Search the audit trail, newest first',
    tags: ['audit'],
    access: ['admin'],
    query: auditSearchQuerySchema,
    responses: {
      200: { description: 'A page of entries', schema: auditPageSchema },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async ({ query }) => {
      const entries = await searchTrail(db, filterOf(query), { beforeSeq: cursor.decode(query.cursor)?.seq, limit: query.limit });
      return { status: 200, body: toPage(entries, query.limit, (e) => ({ seq: e.seq }), cursor.encode) };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/audit/stats',
    operationId: 'countAuditEntries',
    summary: 'Count the trail’s entries per hour, day, week or month, by action, outcome and type',
    tags: ['audit'],
    access: ['admin'],
    query: auditStatsQuerySchema,
    responses: {
      200: { description: 'Exact counts, computed by the database', schema: auditStatsSchema },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async ({ query }) => ({ status: 200, body: await countTrail(db, query), headers: { 'cache-control': 'no-store' } }),
  });
  routes.add({
    method: 'get',
    path: '/api/audit/export',
    operationId: 'exportAuditTrail',
    summary: 'Export the audit trail (NDJSON or CSV), streamed, with a signed chain head',
    tags: ['audit'],
    access: ['admin'],
    query: auditExportQuerySchema,
    responses: {
      200: {
        description: 'The entries in chain order; NDJSON ends with the signed chain head, CSV carries it in Audit-Chain-Head',
        contentType: ['application/x-ndjson', 'text/csv'],
      },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async ({ query, req }) => {
      const given = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const exported = await exportTrail(db, keys, { format: query.format, filter: filterOf(query), query: given });
      const stamp = exported.head.exportedAt.replace(/[:.]/g, '-');
      return {
        status: 200,
        headers: {
          'audit-chain-head': exported.signedHead,
          'content-disposition': `attachment; filename="audit-${stamp}.${query.format}"`,
          'cache-control': 'no-store',
        },
        raw: { contentType: exported.contentType, content: exported.body },
      };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/audit/verify',
    operationId: 'verifyAuditChain',
    summary: 'Verify the tamper-evident hash chain, whole or between two points',
    tags: ['audit'],
    access: ['admin'],
    query: auditVerifyQuerySchema,
    responses: {
      200: { description: 'Verification result', schema: auditVerificationSchema },
      403: { description: 'Not an admin', schema: problemSchema },
    },
    handler: async ({ query }) => ({ status: 200, body: await verifyTrailRange(db, query) }),
  });
  routes.add({
    method: 'get',
    path: '/api/audit/.well-known/jwks.json',
    operationId: 'getAuditSigningKeys',
    summary: 'The public keys that sign export chain heads',
    tags: ['audit'],
    access: 'public',
    responses: { 200: { description: 'A JSON Web Key Set', schema: jwksSchema } },
    handler: async () => ({ status: 200, body: keys.publicJwks(), headers: { 'cache-control': 'public, max-age=300' } }),
  });
  return routes;
}
