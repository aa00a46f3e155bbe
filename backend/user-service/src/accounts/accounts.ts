import type { Kysely } from 'kysely';
import type { Role } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';
import { toUser, usersRepository, type UserRow } from './users.repository.js';

export { toUser, type UserRow };

/**
 * The accounts feature's public face for the other features of this service (sign-in, sessions,
 * admin, OIDC): the reads and writes of an account they may do, inside their own transaction.
 * They go through here rather than importing users.repository (CONTRIBUTING: features do not
 * reach into each other's repositories), so the accounts feature can change its storage alone.
 */
export function accounts(db: Kysely<UsersDb>) {
  const users = usersRepository(db);
  return {
    /** The account, or undefined. */
    findById: (id: string): Promise<UserRow | undefined> => users.findById(id),
    /** The account with this (normalised) email, or undefined. */
    findByEmail: (email: string): Promise<UserRow | undefined> => users.findByEmail(email),
    /** The account, locked until the transaction ends. */
    findForUpdate: (id: string): Promise<UserRow | undefined> => users.findForUpdate(id),
    /** Locks every enabled admin and returns their ids (the last-admin rules decide on them). */
    lockEnabledAdminIds: (): Promise<string[]> => users.lockEnabledAdminIds(),
    /** One page of accounts in sign-up order, optionally matching `search`. */
    listPage: (opts: Parameters<typeof users.listPage>[0]): Promise<UserRow[]> => users.listPage(opts),
    setRoles: (id: string, roles: Role[]): Promise<UserRow> => users.setRoles(id, roles),
    /** Disables (keeping the first disable time on a repeat) or enables the account. */
    setDisabled: (id: string, disabled: boolean): Promise<UserRow | undefined> => users.setDisabled(id, disabled),
  };
}
