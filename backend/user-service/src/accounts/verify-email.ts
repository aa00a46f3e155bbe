import type { Transaction } from 'kysely';
import { AppError, ErrorCode, type AuthUser, type Limiter, type Outbox } from '@secureevent/shared';
import { MessageType, type User, type UserUpdatedV1 } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import type { AccountsContext } from './accounts-context.js';
import { mailLocale, requestAccountMail, type MailLocale } from './account-mail.js';
import { mailedTokens } from './mailed-tokens.js';
import { usersRepository } from './users.repository.js';

/** The web app's page that takes the token from the link (in the fragment, so it never reaches a server log). */
export const VERIFY_EMAIL_PATH = '/verify-email';

const invalidToken = () =>
  new AppError(ErrorCode.INVALID_TOKEN, 'This link is not valid any more. It may have been used already or have expired.');

/**
 * Issues a verification token for `email` (the address on file, or a new one the user wants) and
 * asks for the mail with the link to it, inside `trx`. Older unused verification links stop working.
 */
export async function sendVerificationMail(
  trx: Transaction<UsersDb>,
  outbox: Outbox,
  user: Pick<User, 'id' | 'displayName'>,
  email: string,
  locale: MailLocale,
): Promise<void> {
  const { token, expiresAt } = await mailedTokens(trx).issue(user.id, 'email_verification', email);
  await requestAccountMail(trx, outbox, {
    userId: user.id,
    kind: 'email_verification',
    to: { address: email, name: user.displayName },
    locale,
    link: `${VERIFY_EMAIL_PATH}#token=${token}`,
    expiresAt,
  });
}

/**
 * Confirms the address a mailed verification link was sent to. For the address on file that marks
 * it verified; for a new address (an email change) it becomes the account's address, the old one
 * gets a notice, and the other services hear `user.updated.v1`. Single use; audited.
 */
export async function verifyEmail(ctx: AccountsContext, presented: string, origin: RequestOrigin): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const tokens = mailedTokens(trx);
    const row = await tokens.check(presented, 'email_verification');
    if (!row?.email || !(await tokens.consume(row.id))) throw invalidToken();
    const users = usersRepository(trx);
    const before = await users.findForUpdate(row.user_id);
    if (!before || before.disabled_at) throw invalidToken();
    const after = await users.confirmEmail(before.id, row.email);
    if (!after) throw new AppError(ErrorCode.EMAIL_TAKEN, 'Another account uses this email address now.');
    const changed = before.email !== after.email;
    await recordAudit(ctx.outbox, trx, {
      actorId: before.id,
      action: changed ? 'user.email_changed' : 'user.email_verified',
      targetId: before.id,
      outcome: 'success',
      ...(changed ? { changes: [{ field: 'email', from: before.email, to: after.email, personalDataOf: before.id }] } : {}),
      origin,
    });
    if (!changed) return;
    const data: UserUpdatedV1 = {
      userId: after.id,
      email: after.email,
      displayName: after.display_name,
      updatedAt: after.updated_at.toISOString(),
    };
    await ctx.outbox.add(trx, { type: MessageType.UserUpdated, subject: after.id, data });
    await requestAccountMail(trx, ctx.outbox, {
      userId: after.id,
      kind: 'email_change_notice',
      to: { address: before.email, name: before.display_name },
      locale: mailLocale(before.locale),
    });
  });
}

/** Mails a fresh verification link to the caller's address, a few times an hour at most. */
export async function resendVerification(ctx: AccountsContext, limiter: Limiter, user: AuthUser, locale: MailLocale): Promise<void> {
  const limit = await limiter.hit(user.id);
  if (limit.blocked) {
    throw new AppError(ErrorCode.RATE_LIMITED, 'A link was sent a moment ago. Check your inbox, or try again later.', {
      headers: { 'retry-after': String(limit.retryAfterSeconds) },
    });
  }
  await ctx.db.transaction().execute(async (trx) => {
    const row = await usersRepository(trx).findById(user.id);
    if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
    if (row.email_verified_at) return;
    await sendVerificationMail(trx, ctx.outbox, { id: row.id, displayName: row.display_name }, row.email, mailLocale(row.locale ?? locale));
  });
}
