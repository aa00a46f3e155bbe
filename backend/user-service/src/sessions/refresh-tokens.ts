import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, ErrorCode, newId } from '@secureevent/shared';
import type { UsersDb } from '../db/schema.js';
import type { RequestOrigin } from '../security/audit-trail.js';
import { refreshTokensRepository } from './refresh-tokens.repository.js';

/** A refresh token is good for 14 days of inactivity, and its family for 30 days in all. */
export const REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;
export const FAMILY_TTL_SECONDS = 30 * 24 * 3600;
/**
 * Two tabs refreshing at the same moment both present the same token. Within this window after the
 * first use, a second presentation by the same client (same IP and user agent) whose successor has
 * not been used yet gets that same successor again; any other reuse revokes the family (see `rotate`).
 */
export const REUSE_GRACE_SECONDS = 10;

const tokenPattern = /^(rft_[0-9a-z]{25})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The outcome of presenting a refresh token. */
export type RotationResult =
  | { ok: true; userId: string; familyId: string; token: string; /** the successor handed out again (a benign race) */ again: boolean }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'raced' }
  | { ok: false; reason: 'reused'; userId: string; familyId: string; why: ReuseReason };

/** Why a reuse revoked the family. */
export type ReuseReason = 'after_grace' | 'successor_used' | 'other_client';

/**
 * The successor is kept encrypted under a key derived from the *predecessor's* secret, which only
 * its holder has (the database keeps a sha256 of it, from which the key cannot be derived). So the
 * same successor can be handed out again in a benign race without storing any usable token.
 */
function sealingKey(secret: string, id: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'base64url'), id, 'secureevent refresh successor', 32));
}

function seal(secret: string, id: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret, id), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function unseal(secret: string, id: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret, id), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** The client fingerprint a reuse is compared with: the address and user agent of the first use. */
const sameClient = (a: { ip: string | null; user_agent: string | null }, b: RequestOrigin) => a.ip === b.ip && a.user_agent === b.userAgent;

function mint() {
  const id = newId('rft');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${id}.${secret}` };
}

/** The rules for opaque, hashed, rotating refresh tokens; their SQL is in refresh-tokens.repository.ts. */
export function refreshTokens(db: Kysely<UsersDb>) {
  const repo = refreshTokensRepository(db);

  async function insert(
    userId: string,
    familyId: string,
    familyExpiresAt: Date,
    origin: RequestOrigin,
    parentId: string | null = null,
  ): Promise<{ id: string; token: string }> {
    const { id, secret, token } = mint();
    await repo.insert({
      id,
      familyId,
      userId,
      secretHash: sha256(secret),
      expiresAt: new Date(Math.min(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000, familyExpiresAt.getTime())),
      familyExpiresAt,
      ip: origin.ip,
      userAgent: origin.userAgent,
      parentId,
    });
    return { id, token };
  }

  return {
    /** Starts a new session (a new family) and returns its first token. */
    start(userId: string, origin: RequestOrigin): Promise<{ token: string; familyId: string }> {
      const familyId = newId('fam');
      return insert(userId, familyId, new Date(Date.now() + FAMILY_TTL_SECONDS * 1000), origin).then(({ token }) => ({ token, familyId }));
    },

    /**
     * Exchanges a token for its successor. Must run in a transaction: the row is locked so two
     * concurrent presentations are decided one after the other. A token used before is a replay,
     * and the caller revokes the whole family, unless it is a benign race: within the grace window,
     * from the client that used it first, while the successor is still unused. That presentation
     * gets the same successor again. An attacker who refreshed a stolen token (from elsewhere, or
     * who went on to use the successor) therefore loses the family as soon as the victim's tab
     * presents the old token.
     */
    async rotate(presented: string, origin: RequestOrigin): Promise<RotationResult> {
      const match = tokenPattern.exec(presented);
      if (!match) return { ok: false, reason: 'invalid' };
      const [, id, secret] = match as unknown as [string, string, string];
      const row = await repo.findForUpdate(id);
      if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(secret)))) return { ok: false, reason: 'invalid' };
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      if (row.used_at) {
        const reused = (why: ReuseReason) => ({ ok: false, reason: 'reused', userId: row.user_id, familyId: row.family_id, why }) as const;
        const sinceUse = (Date.now() - new Date(row.used_at).getTime()) / 1000;
        if (sinceUse > REUSE_GRACE_SECONDS) return reused('after_grace');
        const successor = row.successor_id ? await repo.findForUpdate(row.successor_id) : undefined;
        // Used before successors were recorded (0005): refuse, as before, without revoking.
        if (!successor) return { ok: false, reason: 'raced' };
        if (successor.used_at || successor.revoked_at) return reused('successor_used');
        if (!sameClient(successor, origin)) return reused('other_client');
        if (!row.successor_sealed) return { ok: false, reason: 'raced' };
        return { ok: true, userId: row.user_id, familyId: row.family_id, token: unseal(secret, id, row.successor_sealed), again: true };
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return { ok: false, reason: 'expired' };
      const next = await insert(row.user_id, row.family_id, new Date(row.family_expires_at), origin, id);
      await repo.markUsed(id, next.id, seal(secret, id, next.token));
      // Once this token is used, its predecessor can never hand it out again: drop the sealed copy.
      if (row.parent_id) await repo.dropSealedSuccessor(row.parent_id);
      return { ok: true, userId: row.user_id, familyId: row.family_id, token: next.token, again: false };
    },

    /** The family a token belongs to, if the token is genuine (used or not). */
    async familyOf(presented: string): Promise<{ familyId: string; userId: string } | undefined> {
      const match = tokenPattern.exec(presented);
      if (!match) return undefined;
      const row = await repo.findFamily(match[1]!);
      if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(match[2]!)))) return undefined;
      return { familyId: row.family_id, userId: row.user_id };
    },

    revokeFamily: (familyId: string, reason: string) => repo.revokeFamily(familyId, reason),

    /** The user's live sessions, most recently used first. */
    liveSessions: (userId: string) => repo.listLiveFamilies(userId),

    /** Ends one session of the user; false when it is not theirs or already over. */
    revokeFamilyOf: (userId: string, familyId: string, reason: string) => repo.revokeFamilyOf(userId, familyId, reason),

    /** Revokes every session of the user, except `keepFamily` (the caller's own, on a password change). */
    revokeAllForUser: (userId: string, reason: string, keepFamily?: string) => repo.revokeAllForUser(userId, reason, keepFamily),
  };
}

/** Raised for any refresh token that cannot be used; the reason is logged and audited, never returned. */
export const refreshRefused = () => new AppError(ErrorCode.UNAUTHENTICATED, 'The session has expired or was signed out. Sign in again.');
