import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import { MessageType, type UpdateMeRequest, type User, type UserUpdatedV1 } from '@secureevent/contracts';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { assertAcceptablePassword } from '../security/password-policy.js';
import { refreshTokens } from '../sessions/refresh-tokens.js';
import { currentUser } from '../sessions/sessions.js';
import type { AccountsContext } from './accounts-context.js';
import { mailLocale, requestAccountMail } from './account-mail.js';
import { toUser, usersRepository } from './users.repository.js';
import { sendVerificationMail } from './verify-email.js';

/**
 * Changes the caller's profile: display name, language, time zone, password, email. A password or
 * email change needs the current password (under the same brute-force limits as sign-in). A new
 * password signs out every session but the caller's and is announced by mail; a new email takes
 * effect only once the link mailed to it is followed (`verifyEmail`), which also tells the old one.
 */
export async function updateMe(ctx: AccountsContext, user: AuthUser, input: UpdateMeRequest, origin: RequestOrigin): Promise<User> {
  const row = await currentUser(ctx, user);
  let passwordHash: string | undefined;
  const newEmail = input.email !== undefined && input.email !== row.email ? input.email : undefined;
  if (input.newPassword || newEmail) {
    const ip = origin.ip ?? 'unknown';
    const attempt = await ctx.throttle.admit(row.email, ip);
    let ok;
    try {
      ok = await ctx.hasher.verify(row.password_hash, input.currentPassword ?? '');
    } catch (err) {
      await attempt.abandoned();
      throw err;
    }
    if (!ok) {
      await attempt.failed();
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The current password is not correct.', {
        errors: [{ field: 'body.currentPassword', message: 'is not correct' }],
      });
    }
    await attempt.succeeded();
  }
  if (input.newPassword) {
    assertAcceptablePassword(input.newPassword, row.email, 'body.newPassword');
    passwordHash = await ctx.hasher.hash(input.newPassword);
  }
  // The caller's own session survives a password change; every other one ends.
  const keepFamily = user.sessionId;
  return ctx.db.transaction().execute(async (trx) => {
    const users = usersRepository(trx);
    const updated = await users.updateProfile(user.id, {
      displayName: input.displayName,
      passwordHash,
      locale: input.locale,
      timeZone: input.timeZone,
    });
    if (newEmail) {
      if (await users.findByEmail(newEmail)) {
        throw new AppError(ErrorCode.EMAIL_TAKEN, 'Another account uses this email address.', {
          errors: [{ field: 'body.email', message: 'is taken' }],
        });
      }
      await sendVerificationMail(trx, ctx.outbox, toUser(updated), newEmail, mailLocale(updated.locale));
    }
    if (input.displayName !== undefined && input.displayName !== row.display_name) {
      // Others keep copies of the profile (the notification-service greets people by name).
      const data: UserUpdatedV1 = {
        userId: updated.id,
        email: updated.email,
        displayName: updated.display_name,
        updatedAt: updated.updated_at.toISOString(),
      };
      await ctx.outbox.add(trx, { type: MessageType.UserUpdated, subject: updated.id, data });
      // A name is personal data: the trail keeps a keyed reference to it, never the name itself.
      await recordAudit(ctx.outbox, trx, {
        actorId: user.id,
        action: 'user.profile_updated',
        targetId: user.id,
        outcome: 'success',
        changes: [{ field: 'displayName', from: row.display_name, to: updated.display_name, personalDataOf: user.id }],
        origin,
      });
    }
    if (passwordHash) {
      await refreshTokens(trx).revokeAllForUser(user.id, 'password_changed', keepFamily);
      await recordAudit(ctx.outbox, trx, {
        actorId: user.id,
        action: 'user.password_changed',
        targetId: user.id,
        outcome: 'success',
        // That it changed, never what from or to.
        changes: [{ field: 'password', from: null, to: null }],
        origin,
      });
      await requestAccountMail(trx, ctx.outbox, {
        userId: user.id,
        kind: 'password_changed',
        to: { address: updated.email, name: updated.display_name },
        locale: mailLocale(updated.locale),
      });
    }
    return toUser(updated);
  });
}
