import type { Transaction } from 'kysely';
import { MessageType, type AuditRecordedV1, type FieldChange } from '@secureevent/contracts';
import type { Outbox } from '../messaging/outbox.js';

/** Where a request came from, as recorded in the audit trail. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** Reads the caller's address and user agent from an Express request. */
export function originOf(req: { ip?: string | undefined; get(name: string): string | undefined }): RequestOrigin {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 500) ?? null };
}

/**
 * One changed field as a producer describes it. `personalDataOf` marks a value that is personal data
 * of that user (an email, a name, an answer): it is never written to the trail in clear.
 */
export interface AuditedChange {
  field: string;
  from: unknown;
  to: unknown;
  personalDataOf?: string;
}

/** Writes `audit.recorded.v1` to the outbox inside `trx`: the record commits with the change it describes. */
export async function recordAudit<DB>(
  outbox: Outbox,
  trx: Transaction<DB>,
  entry: Omit<AuditRecordedV1, 'at' | 'ip' | 'userAgent' | 'reason' | 'changes'> & {
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
    ...(entry.changes?.length ? { changes: entry.changes.map(auditable) } : {}),
    at: new Date().toISOString(),
  };
  await outbox.add(trx, { type: MessageType.AuditRecorded, subject: entry.targetId ?? entry.actorId ?? undefined, data });
}

/** A change as it may enter the trail: personal values are withheld (the keyed-reference scheme replaces this). */
function auditable(change: AuditedChange): FieldChange {
  if (change.personalDataOf === undefined) return { field: change.field, from: change.from, to: change.to };
  return { field: change.field, from: null, to: null };
}
