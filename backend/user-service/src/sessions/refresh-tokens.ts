import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, ErrorCode, newId } from '@secureevent/shared';
import type { UsersDb } from '../db/schema.js';
import type { RequestOrigin } from '../security/audit-trail.js';

/** A refresh token is good for 14 days of inactivity, and its family for 30 days in all. */
export const REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;
export const FAMILY_TTL_SECONDS = 30 * 24 * 3600;
/**
 * Two tabs refreshing at the same moment both present the same token; the loser of that race is
 * refused (401) but does not revoke the family, provided it arrives within this window. The
 * browser already holds the winner's new cookie, so its next refresh succeeds.
 */
export const REUSE_GRACE_SECONDS = 10;

const tokenPattern = /^(rft_[0-9a-z]{25})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The outcome of presenting a refresh token. */
export type RotationResult =
  | { ok: true; userId: string; familyId: string; token: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'raced' }
  | { ok: false; reason: 'reused'; userId: string; familyId: string };

function mint() {
  const id = newId('rft');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${id}.${secret}` };
}

/** SQL and rules for opaque, hashed, rotating refresh tokens. */
export function refreshTokens(db: Kysely<UsersDb>) {
  async function insert(userId: string, familyId: string, familyExpiresAt: Date, origin: RequestOrigin): Promise<string> {
    const { id, secret, token } = mint();
    await db
      .insertInto('refresh_tokens')
      .values({
        id,
        family_id: familyId,
        user_id: userId,
        secret_hash: sha256(secret),
        expires_at: new Date(Math.min(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000, familyExpiresAt.getTime())),
        family_expires_at: familyExpiresAt,
        ip: origin.ip,
        user_agent: origin.userAgent,
      })
      .execute();
    return token;
  }

  return {
    /** Starts a new session (a new family) and returns its first token. */
    start(userId: string, origin: RequestOrigin): Promise<{ token: string; familyId: string }> {
      const familyId = newId('fam');
      return insert(userId, familyId, new Date(Date.now() + FAMILY_TTL_SECONDS * 1000), origin).then((token) => ({ token, familyId }));
    },

    /**
     * Exchanges a token for its successor. Must run in a transaction: the row is locked so two
     * concurrent presentations cannot both succeed. A token used before (outside the grace
     * window) is a replay: the caller revokes the whole family.
     */
    async rotate(presented: string, origin: RequestOrigin): Promise<RotationResult> {
      const match = tokenPattern.exec(presented);
      if (!match) return { ok: false, reason: 'invalid' };
      const [, id, secret] = match as unknown as [string, string, string];
      const row = await db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(secret)))) return { ok: false, reason: 'invalid' };
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      if (row.used_at) {
        const sinceUse = (Date.now() - new Date(row.used_at).getTime()) / 1000;
        return sinceUse <= REUSE_GRACE_SECONDS
          ? { ok: false, reason: 'raced' }
          : { ok: false, reason: 'reused', userId: row.user_id, familyId: row.family_id };
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return { ok: false, reason: 'expired' };
      await db.updateTable('refresh_tokens').set({ used_at: new Date() }).where('id', '=', id).execute();
      const token = await insert(row.user_id, row.family_id, new Date(row.family_expires_at), origin);
      return { ok: true, userId: row.user_id, familyId: row.family_id, token };
    },

    /** The family a token belongs to, if the token is genuine (used or not). */
    async familyOf(presented: string): Promise<{ familyId: string; userId: string } | undefined> {
      const match = tokenPattern.exec(presented);
      if (!match) return undefined;
      const row = await db
        .selectFrom('refresh_tokens')
        .select(['family_id', 'user_id', 'secret_hash'])
        .where('id', '=', match[1]!)
        .executeTakeFirst();
      if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(match[2]!)))) return undefined;
      return { familyId: row.family_id, userId: row.user_id };
    },

    async revokeFamily(familyId: string, reason: string): Promise<void> {
      await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(), revoke_reason: reason })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /** Revokes every session of the user, except `keepFamily` (the caller's own, on a password change). */
    async revokeAllForUser(userId: string, reason: string, keepFamily?: string): Promise<void> {
      let q = db
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(), revoke_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (keepFamily) q = q.where('family_id', '!=', keepFamily);
      await q.execute();
    },
  };
}

/** Raised for any refresh token that cannot be used; the reason is logged and audited, never returned. */
export const refreshRefused = () => new AppError(ErrorCode.UNAUTHENTICATED, 'The session has expired or was signed out. Sign in again.');
