import { z } from 'zod';
import { createRouteTable, cursorCodec, toPage, type ServiceDeps } from '@secureevent/shared';
import { auditPageSchema, auditVerificationSchema, pageQuerySchema, problemSchema, type AuditEntryDto } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';
import { findBrokenLink } from './hash-chain.js';

const cursor = cursorCodec(z.object({ seq: z.number().int().positive() }));

/**
 * GET /api/audit         the audit trail, newest first (admin)
 * GET /api/audit/verify  recompute the hash chain and report the first broken entry (admin)
 */
export function auditRoutes(deps: ServiceDeps<AuditDb>) {
  const { db } = deps.sdb;
  const toDto = (r: {
    seq: string;
    id: string;
    type: string;
    source: string;
    subject: string | null;
    occurred_at: Date;
    recorded_at: Date;
    data: unknown;
    prev_hash: string;
    hash: string;
  }): AuditEntryDto => ({
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    source: r.source,
    subject: r.subject,
    occurredAt: new Date(r.occurred_at).toISOString(),
    recordedAt: new Date(r.recorded_at).toISOString(),
    data: r.data,
    prevHash: r.prev_hash,
    hash: r.hash,
  });
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
      const after = cursor.decode(query.cursor);
      let q = db.selectFrom('entries').selectAll();
      if (after) q = q.where('seq', '<', String(after.seq));
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(query.limit + 1)
        .execute();
      return { status: 200, body: toPage(rows.map(toDto), query.limit, (e) => ({ seq: e.seq }), cursor.encode) };
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
    handler: async () => {
      const rows = (await db.selectFrom('entries').selectAll().orderBy('seq').execute()).map(toDto);
      const broken = findBrokenLink(rows);
      return { status: 200, body: { valid: broken === null, entries: rows.length, firstBrokenSeq: broken } };
    },
  });
  return routes;
}
