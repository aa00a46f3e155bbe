import type { Transaction } from 'kysely';
import { AppError, ErrorCode, newId, type Outbox } from '@secureevent/shared';
import { MessageType, type RegisterRequest, type Role, type User, type UserRegisteredV1 } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';
import { assertAcceptablePassword } from '../security/password-policy.js';
import type { AccountsContext } from './accounts-context.js';
import type { MailLocale } from './account-mail.js';
import { toUser, usersRepository } from './users.repository.js';
import { sendVerificationMail } from './verify-email.js';

/**
 * Creates an account and announces `user.registered.v1` in the same transaction, with a
 * verification link mailed to the address (unless `verified`: the bootstrap admin's address is the
 * operator's word). New accounts are attendees; only an admin (or the bootstrap) grants more.
 */
export async function registerUser(
  ctx: Pick<AccountsContext, 'db' | 'outbox' | 'hasher'>,
  input: RegisterRequest,
  options: { roles?: Role[]; verified?: boolean; locale?: MailLocale } = {},
): Promise<User> {
  const roles = options.roles ?? ['attendee'];
  const verified = options.verified ?? false;
  assertAcceptablePassword(input.password, input.email);
  // Hash outside the transaction: it is the slow part and needs no lock.
  const passwordHash = await ctx.hasher.hash(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await createAccount(trx, ctx.outbox, {
      email: input.email,
      displayName: input.displayName,
      roles,
      passwordHash,
      emailVerified: verified,
    });
    if (!user) throw new AppError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists. Sign in instead.');
    if (!verified) await sendVerificationMail(trx, ctx.outbox, user, user.email, options.locale ?? 'en');
    return user;
  });
}

/**
 * Inserts an account and writes `user.registered.v1` inside `trx`; undefined when the email is taken.
 * Shared by sign-up and enterprise sign-in, whose accounts have no password (`passwordHash: null`)
 * and whose address the identity provider has verified (`emailVerified: true`).
 */
export async function createAccount(
  trx: Transaction<UsersDb>,
  outbox: Outbox,
  input: Omit<User, 'id' | 'locale' | 'timeZone'> & { passwordHash: string | null; locale?: User['locale'] },
): Promise<User | undefined> {
  const row = await usersRepository(trx).insert({ id: newId('usr'), ...input });
  if (!row) return undefined;
  const user = toUser(row);
  const data: UserRegisteredV1 = {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    registeredAt: new Date(row.created_at).toISOString(),
  };
  await outbox.add(trx, { type: MessageType.UserRegistered, subject: user.id, data });
  return user;
}
