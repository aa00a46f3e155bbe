import type { Kysely, Selectable } from 'kysely';
import type { User } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';

type UserRow = Selectable<UsersDb['users']>;

/** The public shape of a user: never the hash. */
export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, displayName: row.display_name, roles: row.roles };
}

/** SQL for users; returns plain objects. */
export function usersRepository(db: Kysely<UsersDb>) {
  return {
    /** Inserts unless the email is taken; returns undefined when it is. `passwordHash` is null for enterprise sign-in accounts. */
    async insert(user: User & { passwordHash: string | null }): Promise<UserRow | undefined> {
      return db
        .insertInto('users')
        .values({ id: user.id, email: user.email, display_name: user.displayName, password_hash: user.passwordHash, roles: user.roles })
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll()
        .executeTakeFirst();
    },
    findByEmail(email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    },
    findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}
