import type { Transaction } from 'kysely';
import { personalValueRef, subjectKeyFor, type SubjectKey } from '@secureevent/shared';
import type { AuditDb } from '../db/schema.js';

const USER_ID = /^usr_[0-9a-z]{25}$/;

/**
 * The fields of each message type that are personal data, and whose they are. The trail records
 * every message on the exchange (ADR 0006), so without this the user-service's profile messages would
 * put names and addresses into the chain in clear, where erasure could never reach them.
 */
const PERSONAL_FIELDS: Readonly<Record<string, { fields: readonly string[]; owner: (data: Record<string, unknown>) => unknown }>> = {
  'user.registered.v1': { fields: ['email', 'displayName'], owner: (d) => d.userId },
  'user.updated.v1': { fields: ['email', 'displayName'], owner: (d) => d.userId },
  // `to` is a name and an address; `link` may hold a single-use token, which is no business of the trail.
  'account.mail_requested.v1': { fields: ['to', 'link'], owner: (d) => d.userId },
  // Where a request came from is the acting person's data (their address, their browser).
  'audit.recorded.v1': { fields: ['ip', 'userAgent'], owner: (d) => d.actorId ?? d.targetId },
};

/**
 * The message's data as the trail records it: each personal field replaced by a keyed reference
 * under its owner's key in the audit schema (ADR 0021), so erasing the person (which deletes the
 * key) leaves entries that verify but link to nobody. Other types, and values without an owner
 * (a failed sign-in for an unknown address), pass unchanged.
 */
export async function withoutPersonalValues(trx: Transaction<AuditDb>, type: string, data: unknown): Promise<unknown> {
  const rule = PERSONAL_FIELDS[type];
  if (!rule || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const record = data as Record<string, unknown>;
  const owner = rule.owner(record);
  if (typeof owner !== 'string' || !USER_ID.test(owner)) return data;
  let key: SubjectKey | undefined;
  const out: Record<string, unknown> = { ...record };
  for (const field of rule.fields) {
    if (out[field] === undefined || out[field] === null) continue;
    key ??= await subjectKeyFor(trx, owner);
    out[field] = personalValueRef(key, out[field]);
  }
  return out;
}
