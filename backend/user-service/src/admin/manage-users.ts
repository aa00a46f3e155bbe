import type { Kysely } from 'kysely';
import type { UsersDb } from '../db/schema.js';
import { z } from 'zod';
import { AppError, cursorCodec, ErrorCode, recordAccountState, toPage, type AuthUser } from '@secureevent/shared';
import {
  MessageType,
  type AdminUser,
  type Role,
  type UserDisabledV1,
  type UserEnabledV1,
  type UserRolesChangedV1,
} from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { accounts, toUser, type UserRow } from '../accounts/accounts.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { refreshTokens } from '../sessions/refresh-tokens.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));

function toAdminUser(r: UserRow): AdminUser {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    roles: r.roles,
    emailVerified: r.email_verified_at !== null,
    locale: toUser(r).locale,
    timeZone: r.time_zone,
    disabled: r.disabled_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * Locks every enabled admin row and checks that the actor is still one of them: an access token
 * keeps its roles for up to five minutes, so a just-demoted admin must not act on it. The lock
 * also means two admins demoting each other at once cannot both succeed.
 */
async function lockAdmins(trx: Kysely<UsersDb>, actor: AuthUser): Promise<string[]> {
  const ids = await accounts(trx).lockEnabledAdminIds();
  if (!ids.includes(actor.id)) throw new AppError(ErrorCode.FORBIDDEN, 'You are no longer an admin.');
  return ids;
}

/** Lists users, oldest first, optionally matching `q` in the email or display name. */
export async function listUsers(
  ctx: Pick<AccountsContext, 'db'>,
  query: { q?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const rows = await accounts(ctx.db).listPage({ search: query.q, after: cursor.decode(query.cursor), limit: query.limit + 1 });
  return toPage(rows.map(toAdminUser), query.limit, (u) => ({ createdAt: u.createdAt, id: u.id }), cursor.encode);
}

/**
 * Replaces a user's roles. The last enabled admin cannot lose the admin role (the platform would
 * be left without one). Announced as `user.roles_changed.v1` and audited; the new roles apply to
 * access tokens issued from now on (at the next refresh, within five minutes).
 */
export async function setRoles(
  ctx: AccountsContext,
  actor: AuthUser,
  targetId: string,
  roles: Role[],
  origin: RequestOrigin,
): Promise<AdminUser> {
  return ctx.db.transaction().execute(async (trx) => {
    const users = accounts(trx);
    const admins = await lockAdmins(trx, actor);
    const target = await users.findForUpdate(targetId);
    // An erased account (privacy/) is gone for every purpose: no roles, no enabling it again.
    if (!target || target.erased_at) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
    if (admins.includes(target.id) && !roles.includes('admin') && admins.length <= 1) {
      throw new AppError(ErrorCode.LAST_ADMIN, 'This is the last admin; make someone else an admin first.');
    }
    const updated = await users.setRoles(targetId, roles);
    const data: UserRolesChangedV1 = {
      userId: targetId,
      roles,
      previousRoles: target.roles,
      changedBy: actor.id,
      changedAt: new Date().toISOString(),
    };
    await ctx.outbox.add(trx, { type: MessageType.UserRolesChanged, subject: targetId, data });
    await recordAudit(ctx.outbox, trx, {
      actorId: actor.id,
      action: 'user.roles_changed',
      targetId,
      outcome: 'success',
      reason: `${target.roles.join(',')} -> ${roles.join(',')}`,
      changes: [{ field: 'roles', from: target.roles, to: roles }],
      origin,
    });
    return toAdminUser(updated);
  });
}

/**
 * Disables a user (`disabled: true`): they can no longer sign in, every session is revoked, and
 * `user.disabled.v1` tells every service to refuse their access tokens at once (this one too: its
 * own set of disabled users is updated in the same transaction). Announced again on a repeat, so a
 * service that missed it learns it.
 *
 * Enables a disabled user again (`disabled: false`): they can sign in, and `user.enabled.v1` tells
 * every service to accept their new tokens. Sessions revoked by the disable stay revoked. Enabling
 * never removes an admin, so the last-admin rule has nothing to guard then; the actor must still
 * be an admin.
 */
export async function setAccountDisabled(
  ctx: AccountsContext,
  actor: AuthUser,
  targetId: string,
  disabled: boolean,
  origin: RequestOrigin,
): Promise<AdminUser> {
  if (disabled && targetId === actor.id) throw new AppError(ErrorCode.CONFLICT, 'You cannot disable your own account.');
  return ctx.db.transaction().execute(async (trx) => {
    const users = accounts(trx);
    const admins = await lockAdmins(trx, actor);
    if (disabled && admins.includes(targetId) && admins.length <= 1) {
      throw new AppError(ErrorCode.LAST_ADMIN, 'This is the last admin; make someone else an admin first.');
    }
    const before = await users.findForUpdate(targetId);
    if (!before || before.erased_at) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
    const updated = await users.setDisabled(targetId, disabled);
    if (!updated) throw new AppError(ErrorCode.NOT_FOUND, 'No such user.');
    const at = new Date();
    if (disabled) {
      await refreshTokens(trx).revokeAllForUser(targetId, 'disabled');
      const data: UserDisabledV1 = { userId: targetId, disabledBy: actor.id, disabledAt: at.toISOString() };
      await ctx.outbox.add(trx, { type: MessageType.UserDisabled, subject: targetId, data });
    } else {
      const data: UserEnabledV1 = { userId: targetId, enabledBy: actor.id, enabledAt: at.toISOString() };
      await ctx.outbox.add(trx, { type: MessageType.UserEnabled, subject: targetId, data });
    }
    await recordAccountState(trx, ctx.schema, { userId: targetId, disabled, at });
    await recordAudit(ctx.outbox, trx, {
      actorId: actor.id,
      action: disabled ? 'user.disabled' : 'user.enabled',
      targetId,
      outcome: 'success',
      changes: [{ field: 'disabled', from: before.disabled_at !== null, to: disabled }],
      origin,
    });
    return toAdminUser(updated);
  });
}
