import { z } from 'zod';
import { pageOf, pageQuerySchema, userIdSchema } from './common.js';
import { instant, singleLine } from './text.js';

/** The outcomes an audit record may name. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    type: z.string(),
    source: z.string(),
    subject: z.string().nullable(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    actor: z.string().nullable().meta({ description: 'The user who acted, when the message names one.' }),
    action: z
      .string()
      .nullable()
      .meta({ description: 'What happened: the audit record’s action, or the message type without its version.' }),
    outcome: z.enum(AUDIT_OUTCOMES).or(z.string()).nullable(),
    data: z.unknown(),
    hash: z.string().meta({ description: 'sha256(previous hash ‖ canonical entry): the chain makes tampering evident.' }),
    prevHash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = pageOf(auditEntrySchema, 'AuditPage');

/** What the trail can be searched and exported by. */
export const auditFilterSchema = z.object({
  actor: userIdSchema.optional().meta({ description: 'Only entries by this user.' }),
  action: singleLine({ min: 1, max: 100 }).optional().meta({ description: 'Only this action, e.g. `event.published` or `user.login`.' }),
  subject: singleLine({ min: 1, max: 100 }).optional().meta({ description: 'Only entries about this id.' }),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: instant().optional().meta({ description: 'Occurred at or after this instant.' }),
  to: instant().optional().meta({ description: 'Occurred before this instant.' }),
  q: singleLine({ min: 1, max: 100 }).optional().meta({ description: 'Text found in the action, type, subject or actor.' }),
});
export const auditSearchQuerySchema = pageQuerySchema.extend(auditFilterSchema.shape);
export const auditExportQuerySchema = auditFilterSchema.extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});

/** A point of the chain: a sequence number, or an instant (the first entry recorded at or after it). */
const chainPoint = z.union([
  z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'must be a sequence number')
    .transform(Number),
  instant(),
]);
export const auditVerifyQuerySchema = z.object({
  from: chainPoint.optional().meta({ description: 'First sequence number, or instant, to verify (inclusive).' }),
  to: chainPoint.optional().meta({ description: 'Last sequence number (inclusive), or instant (exclusive), to verify.' }),
});
export const auditVerificationSchema = z
  .object({
    valid: z.boolean(),
    entries: z.number().int(),
    firstBrokenSeq: z.number().int().nullable(),
    fromSeq: z.number().int().nullable(),
    toSeq: z.number().int().nullable(),
    durationMs: z.number(),
  })
  .meta({ id: 'AuditVerification' });

/** The audit-service's public signing keys (RFC 7517). */
export const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'JsonWebKeySet' });
