import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { issueAccessToken } from '../accounts/sign-in.js';
import { accounts, toUser } from '../accounts/accounts.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { refreshRefused, refreshTokens } from './refresh-tokens.js';

/**
 * Rotates a refresh token. Replaying an already-used token revokes its whole family and is audited
 * (whoever holds a stolen copy and the real user are both signed out), except for a benign race
 * between two tabs, which gets the same successor again (see `refreshTokens().rotate`).
 * The new access token carries the user's current roles.
 */
export async function refreshSession(ctx: AccountsContext, presented: string | undefined, origin: RequestOrigin) {
  if (!presented) throw refreshRefused();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const tokens = refreshTokens(trx);
    const result = await tokens.rotate(presented, origin);
    if (!result.ok) {
      if (result.reason === 'reused') {
        await tokens.revokeFamily(result.familyId, 'reuse_detected');
        await recordAudit(ctx.outbox, trx, {
          actorId: null,
          action: 'auth.refresh_reuse',
          targetId: result.userId,
          outcome: 'failure',
          reason: `refresh token replayed (${result.why}); family revoked`,
          origin,
        });
      }
      return { refused: result.reason } as const;
    }
    const row = await accounts(trx).findById(result.userId);
    if (!row || row.disabled_at) {
      await tokens.revokeFamily(result.familyId, 'account_disabled');
      return { refused: 'disabled' } as const;
    }
    return { user: toUser(row), refreshToken: result.token, familyId: result.familyId } as const;
  });
  if ('refused' in outcome) {
    ctx.logger.info({ reason: outcome.refused }, 'refresh refused');
    throw refreshRefused();
  }
  return { tokens: await issueAccessToken(ctx.tokens, outcome.user, outcome.familyId), refreshToken: outcome.refreshToken };
}

/** Signs out the session the token belongs to. Idempotent: an unknown token changes nothing. */
export async function signOut(ctx: AccountsContext, presented: string | undefined, origin: RequestOrigin): Promise<void> {
  if (!presented) return;
  await ctx.db.transaction().execute(async (trx) => {
    const tokens = refreshTokens(trx);
    const family = await tokens.familyOf(presented);
    if (!family) return;
    await tokens.revokeFamily(family.familyId, 'logout');
    await recordAudit(ctx.outbox, trx, {
      actorId: family.userId,
      action: 'auth.logout',
      targetId: family.userId,
      outcome: 'success',
      origin,
    });
  });
}

/** Signs the user out everywhere. Access tokens already issued expire within five minutes. */
export async function signOutEverywhere(ctx: AccountsContext, user: AuthUser, origin: RequestOrigin): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await refreshTokens(trx).revokeAllForUser(user.id, 'logout_all');
    await recordAudit(ctx.outbox, trx, { actorId: user.id, action: 'auth.logout_all', targetId: user.id, outcome: 'success', origin });
  });
}

/**
 * Reads the caller's account; a deleted account is a 404 and a disabled one a 401 even with a valid
 * token (the same answer every service gives once it has heard `user.disabled.v1`).
 */
export async function currentUser(ctx: Pick<AccountsContext, 'db'>, user: AuthUser) {
  const row = await accounts(ctx.db).findById(user.id);
  if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
  if (row.disabled_at) throw new AppError(ErrorCode.UNAUTHENTICATED, 'This account has been disabled.');
  return row;
}
