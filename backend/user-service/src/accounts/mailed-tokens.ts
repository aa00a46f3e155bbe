import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '@secureevent/shared';
import type { UsersDb } from '../db/schema.js';
import { accountTokensRepository, type AccountTokenPurpose, type AccountTokenRow } from './account-tokens.repository.js';

/** How long a mailed link works: a reset link 30 minutes, a verification link 2 days. */
export const TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = { password_reset: 30 * 60, email_verification: 2 * 24 * 3600 };

const tokenPattern = /^(atk_[0-9a-z]{25})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The rules for single-use tokens mailed as links: `atk_<id>.<32 random bytes>`; only a sha256 of
 * the secret is stored, a new token retires the older unused ones of its purpose, and a token is
 * consumed by one conditional update (a replay, even a concurrent one, finds it used).
 */
export function mailedTokens(db: Kysely<UsersDb>) {
  const repo = accountTokensRepository(db);
  return {
    /** Issues a token for `purpose` (retiring the user's older ones) and returns it with its expiry. */
    async issue(userId: string, purpose: AccountTokenPurpose, email: string | null): Promise<{ token: string; expiresAt: Date }> {
      await repo.retireAll(userId, purpose);
      const id = newId('atk');
      const secret = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + TOKEN_TTL_SECONDS[purpose] * 1000);
      await repo.insert({ id, userId, purpose, secretHash: sha256(secret), email, expiresAt });
      return { token: `${id}.${secret}`, expiresAt };
    },
    /** The stored token if `presented` is genuine, unused and unexpired (not yet consumed). */
    async check(presented: string, purpose: AccountTokenPurpose): Promise<AccountTokenRow | undefined> {
      const match = tokenPattern.exec(presented);
      if (!match) return undefined;
      const row = await repo.find(match[1]!, purpose);
      if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(match[2]!)))) return undefined;
      if (row.used_at || new Date(row.expires_at).getTime() <= Date.now()) return undefined;
      return row;
    },
    /** Uses the token up; false when another presentation (or expiry) came first. */
    consume: (id: string) => repo.consume(id),
  };
}
