import { sql, type Kysely, type Selectable } from 'kysely';
import { keysetPage } from '@secureevent/shared';
import type { Role, User } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';

export type UserRow = Selectable<UsersDb['users']>;

/** The public shape of a user: never the hash. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: row.roles,
    emailVerified: row.email_verified_at !== null,
    locale: row.locale === 'en' || row.locale === 'de' || row.locale === 'fr' ? row.locale : null,
    timeZone: row.time_zone,
  };
}

/** SQL for users; returns plain objects. */
export function usersRepository(db: Kysely<UsersDb>) {
  return {
    /** Inserts unless the email is taken; returns undefined when it is. `passwordHash` is null for enterprise sign-in accounts. */
    async insert(
      user: Omit<User, 'locale' | 'timeZone'> & { passwordHash: string | null; locale?: User['locale'] },
    ): Promise<UserRow | undefined> {
      return db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          display_name: user.displayName,
          password_hash: user.passwordHash,
          roles: user.roles,
          email_verified_at: user.emailVerified ? new Date() : null,
          locale: user.locale ?? null,
        })
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

    /**
     * One page of users in sign-up order (oldest first, ties by id), optionally matching `search`
     * in the email or display name; `after` is the (created_at, id) of the last user already seen.
     */
    listPage(opts: {
      search?: string | undefined;
      after?: { createdAt: string; id: string } | undefined;
      limit: number;
    }): Promise<UserRow[]> {
      let q = db.selectFrom('users').selectAll();
      if (opts.search) {
        // LIKE wildcards typed by the admin are matched literally.
        const pattern = `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('display_name', 'ilike', pattern)]));
      }
      return keysetPage(q, {
        keys: [
          ['created_at', 'asc'],
          ['id', 'asc'],
        ],
        after: opts.after ? [new Date(opts.after.createdAt), opts.after.id] : undefined,
        limit: opts.limit,
      }).execute();
    },
    /** Locks every enabled admin and returns their ids (see `lockAdmins`). */
    async lockEnabledAdminIds(): Promise<string[]> {
      const rows = await db
        .selectFrom('users')
        .select('id')
        .where(sql<boolean>`'admin' = any(roles)`)
        .where('disabled_at', 'is', null)
        .forUpdate()
        .execute();
      return rows.map((r) => r.id);
    },
    /** The user, locked until the transaction ends. */
    findForUpdate(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },
    setRoles(id: string, roles: Role[]): Promise<UserRow> {
      return db.updateTable('users').set({ roles, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },
    /** Disables (keeping the first disable time on a repeat) or enables the account. */
    setDisabled(id: string, disabled: boolean): Promise<UserRow | undefined> {
      return db
        .updateTable('users')
        .set((eb) => ({ disabled_at: disabled ? eb.fn.coalesce('disabled_at', eb.val(new Date())) : null, updated_at: new Date() }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    /** Changes the display name and/or the password hash. */
    updateProfile(
      id: string,
      changes: {
        displayName?: string | undefined;
        passwordHash?: string | undefined;
        locale?: string | null | undefined;
        timeZone?: string | null | undefined;
      },
    ): Promise<UserRow> {
      return db
        .updateTable('users')
        .set({
          updated_at: new Date(),
          ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
          ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
          ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
          ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** Sets a new password hash (a reset proves the address too, so it counts as verified). */
    setPassword(id: string, passwordHash: string): Promise<UserRow> {
      return db
        .updateTable('users')
        .set((eb) => ({
          password_hash: passwordHash,
          email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(new Date())),
          updated_at: new Date(),
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** Marks `email` confirmed, replacing the address on file when it differs (an email change); undefined when another account has it. */
    async confirmEmail(id: string, email: string): Promise<UserRow | undefined> {
      const taken = await db.selectFrom('users').select('id').where('email', '=', email).where('id', '!=', id).executeTakeFirst();
      if (taken) return undefined;
      return db
        .updateTable('users')
        .set({ email, email_verified_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
  };
}
