import type { QueryExecutorProvider } from 'kysely';
import { MessageType, type AuditRecordedV1 } from '@secureevent/contracts';
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

/** Writes `audit.recorded.v1` to the outbox inside `trx`: the record commits with the change it describes. */
export async function recordAudit(
  outbox: Outbox,
  trx: QueryExecutorProvider,
  entry: Omit<AuditRecordedV1, 'at' | 'ip' | 'userAgent' | 'reason'> & { reason?: string | null; origin: RequestOrigin },
): Promise<void> {
  const data: AuditRecordedV1 = {
    actorId: entry.actorId,
    action: entry.action,
    targetId: entry.targetId,
    outcome: entry.outcome,
    reason: entry.reason ?? null,
    ip: entry.origin.ip,
    userAgent: entry.origin.userAgent,
    at: new Date().toISOString(),
  };
  await outbox.add(trx, { type: MessageType.AuditRecorded, subject: entry.targetId ?? entry.actorId ?? undefined, data });
}
