import { z } from 'zod';
import { pageOf } from './common.js';

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    type: z.string(),
    source: z.string(),
    subject: z.string().nullable(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    data: z.unknown(),
    hash: z.string().meta({ description: 'sha256(previous hash ‖ canonical entry): the chain makes tampering evident.' }),
    prevHash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = pageOf(auditEntrySchema, 'AuditPage');
export const auditVerificationSchema = z
  .object({ valid: z.boolean(), entries: z.number().int(), firstBrokenSeq: z.number().int().nullable() })
  .meta({ id: 'AuditVerification' });
