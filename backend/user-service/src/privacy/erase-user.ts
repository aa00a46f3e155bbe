import { AppError, ErrorCode, recordAccountState, type AuthUser } from '@secureevent/shared';
import { MessageType, type UserErasedV1 } from '@secureevent/contracts';
import type { Transaction } from 'kysely';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { accounts } from '../accounts/accounts.js';
import type { UsersDb } from '../db/schema.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { privacyRepository } from './privacy.repository.js';

/**
 * Erases the caller's own account (GDPR art. 17). The current password is required, under the
 * sign-in brute-force limits. Accounts made by enterprise sign-in have no password here: for them a
 * fresh sign-in at the identity provider would be the proof, which is not built yet (docs/privacy.md),
 * so they are refused and an admin erases them.
 */
export async function eraseMe(ctx: AccountsContext, user: AuthUser, password: string, origin: RequestOrigin): Promise<void> {
  const row = await accounts(ctx.db).findById(user.id);
  if (!row || row.erased_at) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
  if (row.password_hash === null) {
    throw new AppError(ErrorCode.CONFLICT, 'This account signs in through your organisation; ask an admin to erase it.');
  }
  const attempt = await ctx.throttle.admit(row.email, origin.ip ?? 'unknown');
  let ok;
  try {
    ok = await ctx.hasher.verify(row.password_hash, password);
  } catch (err) {
    await attempt.abandoned();
    throw err;
  }
  if (!ok) {
    await attempt.failed();
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The password is not correct.', {
      errors: [{ field: 'body.password', message: 'is not correct' }],
    });
  }
  await attempt.succeeded();
  await ctx.db.transaction().execute((trx) => erase(ctx, trx, user, user.id, origin));
}

/** An admin erases someone's account. The last enabled admin cannot be erased (nobody could manage the platform). */
export async function eraseUser(ctx: AccountsContext, actor: AuthUser, targetId: string, origin: RequestOrigin): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const admins = await accounts(trx).lockEnabledAdminIds();
    if (!admins.includes(actor.id)) throw new AppError(ErrorCode.FORBIDDEN, 'You are no longer an admin.');
    await erase(ctx, trx, actor, targetId, origin);
  });
}

/**
 * One erasure, in one transaction: the row is anonymised and its sessions, links and identities
 * deleted; `user.erased.v1` goes through the outbox so every service erases its own copies; this
 * service's audit key for the person is shredded by the same message (the kit's consumer).
 */
async function erase(ctx: AccountsContext, trx: Transaction<UsersDb>, actor: AuthUser, targetId: string, origin: RequestOrigin) {
  const repo = privacyRepository(trx);
  const target = await repo.findForUpdate(targetId);
  if (!target || target.erased_at) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
  if (target.roles.includes('admin') && target.disabled_at === null) {
    const admins = await accounts(trx).lockEnabledAdminIds();
    if (admins.length <= 1) throw new AppError(ErrorCode.LAST_ADMIN, 'This is the last admin; make someone else an admin first.');
  }
  const at = new Date();
  await repo.erase(targetId, at);
  await recordAccountState(trx, ctx.schema, { userId: targetId, disabled: true, at });
  const data: UserErasedV1 = { userId: targetId, erasedBy: actor.id, erasedAt: at.toISOString() };
  await ctx.outbox.add(trx, { type: MessageType.UserErased, subject: targetId, data });
  // Ids only (not linkable to a person once the account is anonymous); a self-erasure keeps no address or browser either.
  await recordAudit(ctx.outbox, trx, {
    actorId: actor.id,
    action: 'user.erased',
    targetId,
    outcome: 'success',
    origin: actor.id === targetId ? { ip: null, userAgent: null, requestId: origin.requestId ?? null } : origin,
  });
}
