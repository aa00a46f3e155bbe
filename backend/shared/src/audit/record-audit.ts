import type { Transaction } from 'kysely';
import { MessageType, type AuditRecordedV1, type FieldChange } from '@secureevent/contracts';
import { requestContext } from '../logging/logger.js';
import type { Outbox } from '../messaging/outbox.js';
import { personalValueRef } from './personal-data.js';
import { subjectKeyFor, type SubjectKey } from './subject-keys.repository.js';

/** Where a request came from, as recorded in the audit trail. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  /** The request id the HTTP layer assigned (`x-request-id`, the logs' `requestId`); by default the current one. */
  requestId?: string | null;
}

/** Reads the caller's address, user agent and request id from an Express request. */
export function originOf(req: { ip?: string | undefined; get(name: string): string | undefined }): RequestOrigin {
  return {
    ip: req.ip ?? null,
    userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
    requestId: requestContext.getStore()?.requestId ?? null,
  };
}

/**
 * One changed field as a producer describes it. `personalDataOf` marks a value that is personal data
 * of that user (an email, a name, an answer): it is never written to the trail in clear, but as a
 * keyed reference that erasing the user makes unlinkable (`personal-data.ts`, ADR 0021).
 */
export interface AuditedChange {
  field: string;
  from: unknown;
  to: unknown;
  personalDataOf?: string;
}

/**
 * Writes `audit.recorded.v1` to the outbox inside `trx`: the record commits with the change it
 * describes. Personal values in `changes` become references under their subject's key (created in
 * the service's schema on first use, in the same transaction); the request id comes from the origin,
 * else from the request or message being handled.
 */
export async function recordAudit<DB>(
  outbox: Outbox,
  trx: Transaction<DB>,
  entry: Omit<AuditRecordedV1, 'at' | 'ip' | 'userAgent' | 'reason' | 'changes' | 'requestId'> & {
    reason?: string | null;
    origin: RequestOrigin;
    changes?: readonly AuditedChange[];
  },
): Promise<void> {
  const data: AuditRecordedV1 = {
    actorId: entry.actorId,
    action: entry.action,
    targetId: entry.targetId,
    outcome: entry.outcome,
    reason: entry.reason ?? null,
    ip: entry.origin.ip,
    userAgent: entry.origin.userAgent,
    ...(entry.changes?.length ? { changes: await auditableChanges(trx, entry.changes) } : {}),
    requestId: entry.origin.requestId ?? requestContext.getStore()?.requestId ?? null,
    at: new Date().toISOString(),
  };
  await outbox.add(trx, { type: MessageType.AuditRecorded, subject: entry.targetId ?? entry.actorId ?? undefined, data });
}

/** Changes as they may enter the trail: personal values replaced by references, one key lookup per subject. */
async function auditableChanges<DB>(trx: Transaction<DB>, changes: readonly AuditedChange[]): Promise<FieldChange[]> {
  const keys = new Map<string, SubjectKey>();
  const out: FieldChange[] = [];
  for (const change of changes) {
    const subject = change.personalDataOf;
    if (subject === undefined) {
      out.push({ field: change.field, from: change.from, to: change.to });
      continue;
    }
    let key = keys.get(subject);
    if (!key) keys.set(subject, (key = await subjectKeyFor(trx, subject)));
    out.push({ field: change.field, from: personalValueRef(key, change.from), to: personalValueRef(key, change.to) });
  }
  return out;
}
