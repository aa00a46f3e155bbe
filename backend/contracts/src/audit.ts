import { z } from 'zod';
import { pageOf, pageQuerySchema, userIdSchema } from './common.js';
import { isIanaTimeZone } from './events.js';
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
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[0-9]{1,3}$/, 'must be a message type such as checkin.recorded.v1')
    .max(100)
    .optional()
    .meta({ description: 'Only messages of this type, e.g. `checkin.recorded.v1`.' }),
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

/** The buckets `GET /api/audit/stats` counts by. */
export const AUDIT_STATS_BUCKETS = ['hour', 'day', 'week', 'month'] as const;
export type AuditStatsBucket = (typeof AUDIT_STATS_BUCKETS)[number];
/** How many buckets one stats query may span (an hourly year would be 8,760 rows per series). */
export const AUDIT_STATS_MAX_BUCKETS = 1000;
const BUCKET_MS: Record<AuditStatsBucket, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 28 * 86_400_000 };

export const auditStatsQuerySchema = z
  .object({
    from: instant().meta({ description: 'Count entries that occurred at or after this instant.' }),
    to: instant().meta({ description: 'Count entries that occurred before this instant.' }),
    bucket: z.enum(AUDIT_STATS_BUCKETS).default('day').meta({ description: 'Group by hour, day, week (ISO, from Monday) or month.' }),
    tz: z
      .string()
      .max(64)
      // Names only: a runtime may also accept offsets such as `+01:00`, which PostgreSQL reads as POSIX (the sign inverted).
      .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, 'must be an IANA time zone')
      .refine(isIanaTimeZone, 'must be an IANA time zone')
      .default('UTC')
      .meta({ description: 'The IANA time zone whose days, weeks and months the buckets follow.' }),
  })
  .superRefine((q, ctx) => {
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span / BUCKET_MS[q.bucket] > AUDIT_STATS_MAX_BUCKETS)
      ctx.addIssue({
        code: 'custom',
        path: ['bucket'],
        message: `spans more than ${AUDIT_STATS_MAX_BUCKETS} buckets; choose a larger one`,
      });
  });

export const auditStatsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bucket: z.enum(AUDIT_STATS_BUCKETS),
    tz: z.string(),
    counts: z
      .array(
        z.object({
          bucket: z.string().meta({ description: 'The bucket’s start, an instant (its local midnight or hour in `tz`).' }),
          action: z.string().nullable(),
          outcome: z.string().nullable(),
          type: z.string(),
          count: z.number().int(),
        }),
      )
      .meta({ description: 'Entries per bucket, action, outcome and type; combinations with none are left out. Ordered by bucket.' }),
  })
  .meta({ id: 'AuditStats' });
export type AuditStatsDto = z.infer<typeof auditStatsSchema>;

/** The audit-service's public signing keys (RFC 7517). */
export const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'JsonWebKeySet' });
