import { createHmac, timingSafeEqual } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { Kysely } from 'kysely';
import type { PersonalValueRef } from '@secureevent/contracts';
import { subjectKeyById, type SubjectKey } from './subject-keys.repository.js';

// canonicalize@2 is CommonJS with an ES-style `export default` in its types; v5 (ESM) needs Node 22.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * Crypto-shredding for the audit trail (ADR 0021). A personal value never enters the chain in
 * clear: the producing service records HMAC-SHA256(key of the user, RFC 8785 JSON of the value)
 * and the key's id. The key is random, one per user, kept in the producing service's own schema
 * (`audit_subject_keys`, `subject-keys.repository.ts`), never sent anywhere. Whoever holds a
 * value and the key can check that an entry recorded that value; erasing the user deletes the key, after which the reference cannot be
 * linked to any value (HMAC without its key is a PRF output), and the chain still verifies because
 * the entries themselves never change.
 */

/** The reference that stands for `value` under `key`; null and undefined stay null (absence is not personal data). */
export function personalValueRef(key: SubjectKey, value: unknown): PersonalValueRef | null {
  if (value === null || value === undefined) return null;
  return { hmac: macOf(key.secret, value), keyId: key.keyId };
}

/** True when `ref` was made from `value` under `key` (constant-time comparison). */
export function refMatches(key: SubjectKey, ref: PersonalValueRef, value: unknown): boolean {
  if (ref.keyId !== key.keyId) return false;
  const expected = Buffer.from(macOf(key.secret, value));
  const given = Buffer.from(ref.hmac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Whether `v` has the shape of a personal-value reference. */
export function isPersonalValueRef(v: unknown): v is PersonalValueRef {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return Object.keys(o).length === 2 && typeof o.hmac === 'string' && typeof o.keyId === 'string';
}

function macOf(secret: Buffer, value: unknown): string {
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new TypeError('a personal value must be JSON (string, number, boolean, array or object)');
  return createHmac('sha256', secret).update(canonical).digest('base64url');
}

/**
 * Checks whether an audit entry's reference stands for `value`: true or false while the key
 * exists, null once it was erased (nobody can tell any more, which is the point).
 */
export async function personalValueMatches<DB>(db: Kysely<DB>, ref: PersonalValueRef, value: unknown): Promise<boolean | null> {
  const key = await subjectKeyById(db, ref.keyId);
  return key ? refMatches(key, ref, value) : null;
}
