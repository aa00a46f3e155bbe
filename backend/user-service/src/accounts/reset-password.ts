import { AppError, ErrorCode, type Limiter } from '@secureevent/shared';
import type { PasswordResetConfirm } from '@secureevent/contracts';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { assertAcceptablePassword } from '../security/password-policy.js';
import { refreshTokens } from '../sessions/refresh-tokens.js';
import type { AccountsContext } from './accounts-context.js';
import { mailLocale, requestAccountMail, type MailLocale } from './account-mail.js';
import { mailedTokens } from './mailed-tokens.js';
import { usersRepository } from './users.repository.js';

/** The web app's page that takes the token from the link (in the fragment, so it never reaches a server log). */
export const RESET_PASSWORD_PATH = '/reset-password';

const invalidToken = () =>
  new AppError(ErrorCode.INVALID_TOKEN, 'This reset link is not valid any more. It may have been used already or have expired.');

/**
 * Mails a reset link (valid 30 minutes, single use) to the account with this email, if there is
 * one that is enabled and has not asked more than a few times this hour. The caller answers 202
 * before this finishes, whatever happens here, so neither the answer nor its timing says whether
 * the account exists. Audited when an account is found.
 */
export async function requestPasswordReset(
  ctx: AccountsContext,
  perEmail: Limiter,
  email: string,
  locale: MailLocale,
  origin: RequestOrigin,
): Promise<void> {
  // Mail-bombing one address: past the limit nothing more is sent (and nothing is said).
  if ((await perEmail.hit(email)).blocked) return;
  await ctx.db.transaction().execute(async (trx) => {
    const row = await usersRepository(trx).findByEmail(email);
    if (!row || row.disabled_at) return;
    const { token, expiresAt } = await mailedTokens(trx).issue(row.id, 'password_reset', null);
    await requestAccountMail(trx, ctx.outbox, {
      userId: row.id,
      kind: 'password_reset',
      to: { address: row.email, name: row.display_name },
      locale: mailLocale(row.locale ?? locale),
      link: `${RESET_PASSWORD_PATH}#token=${token}`,
      expiresAt,
    });
    await recordAudit(ctx.outbox, trx, {
      actorId: null,
      action: 'user.password_reset_requested',
      targetId: row.id,
      outcome: 'success',
      origin,
    });
  });
}

/**
 * Sets a new password from a reset link: the policy applies, the token is used up (a second use,
 * even a concurrent one, is refused), every session of the user is revoked, the change is audited
 * and the user is told by mail.
 */
export async function confirmPasswordReset(ctx: AccountsContext, input: PasswordResetConfirm, origin: RequestOrigin): Promise<void> {
  const refused = async (targetId: string | null, reason: string) => {
    await ctx.db
      .transaction()
      .execute((trx) =>
        recordAudit(ctx.outbox, trx, { actorId: null, action: 'user.password_reset', targetId, outcome: 'failure', reason, origin }),
      );
    return invalidToken();
  };
  const token = await mailedTokens(ctx.db).check(input.token, 'password_reset');
  if (!token) throw await refused(null, 'invalid_token');
  const user = await usersRepository(ctx.db).findById(token.user_id);
  if (!user || user.disabled_at) throw await refused(token.user_id, 'disabled');
  assertAcceptablePassword(input.password, user.email, 'body.password');
  // Hash outside the transaction: it is the slow part and needs no lock.
  const passwordHash = await ctx.hasher.hash(input.password);
  const done = await ctx.db.transaction().execute(async (trx) => {
    if (!(await mailedTokens(trx).consume(token.id))) return false;
    const updated = await usersRepository(trx).setPassword(user.id, passwordHash);
    await refreshTokens(trx).revokeAllForUser(user.id, 'password_reset');
    await recordAudit(ctx.outbox, trx, {
      actorId: user.id,
      action: 'user.password_reset',
      targetId: user.id,
      outcome: 'success',
      changes: [{ field: 'password', from: null, to: null }],
      origin,
    });
    await requestAccountMail(trx, ctx.outbox, {
      userId: user.id,
      kind: 'password_changed',
      to: { address: updated.email, name: updated.display_name },
      locale: mailLocale(updated.locale),
    });
    return true;
  });
  if (!done) throw await refused(user.id, 'token_already_used');
}
