import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import type { Session } from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { refreshTokens } from './refresh-tokens.js';

/** The caller's live sessions, most recently used first; `current` marks the one the request came from. */
export async function listSessions(ctx: Pick<AccountsContext, 'db'>, user: AuthUser): Promise<Session[]> {
  const rows = await refreshTokens(ctx.db).liveSessions(user.id);
  return rows.map((r) => ({
    id: r.family_id,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: new Date(r.last_used_at).toISOString(),
    ip: r.ip,
    userAgent: r.user_agent,
    current: r.family_id === user.sessionId,
  }));
}

/**
 * Ends one of the caller's sessions (its refresh token stops working; an access token already
 * issued lives out its five minutes). Another user's session, or one already over, is a 404.
 */
export async function endSession(ctx: AccountsContext, user: AuthUser, sessionId: string, origin: RequestOrigin): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await refreshTokens(trx).revokeFamilyOf(user.id, sessionId, 'session_revoked'))) {
      throw new AppError(ErrorCode.NOT_FOUND, 'No such session.');
    }
    await recordAudit(ctx.outbox, trx, {
      actorId: user.id,
      action: 'auth.session_revoked',
      targetId: user.id,
      outcome: 'success',
      reason: sessionId,
      origin,
    });
  });
}

/** Ends every session of the caller but the one the request came from. */
export async function endOtherSessions(ctx: AccountsContext, user: AuthUser, origin: RequestOrigin): Promise<void> {
  if (!user.sessionId) throw new AppError(ErrorCode.CONFLICT, 'This request belongs to no session; use sign-out everywhere instead.');
  await ctx.db.transaction().execute(async (trx) => {
    await refreshTokens(trx).revokeAllForUser(user.id, 'logout_others', user.sessionId);
    await recordAudit(ctx.outbox, trx, { actorId: user.id, action: 'auth.logout_others', targetId: user.id, outcome: 'success', origin });
  });
}
