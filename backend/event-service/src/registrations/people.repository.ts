import { sql, type Kysely } from 'kysely';
import type { Role } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

/** Before any profile is known: a row made by a roles message alone loses to every real profile. */
const NO_PROFILE_YET = new Date(0);

/**
 * The event-service's copy of who people are (from the user-service's messages). The profile (name,
 * email) and the roles are kept newest-wins each on their own clock, so that a late redelivery of
 * an older message, or messages arriving out of order, never bring back something older.
 */
export function peopleRepository(db: Kysely<EventsDb>) {
  return {
    /** The profile as of `at`; with `roles` too (user.registered.v1 carries both). */
    async upsertProfile(person: { userId: string; displayName: string; email: string; roles?: readonly Role[] }, at: Date) {
      const roles = person.roles ? [...person.roles] : null;
      await db
        .insertInto('people')
        .values({
          user_id: person.userId,
          display_name: person.displayName,
          email: person.email,
          updated_at: at,
          roles: roles ?? [],
          roles_at: roles ? at : null,
        })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({
            display_name: sql<string>`case when people.updated_at < ${at} then excluded.display_name else people.display_name end`,
            email: sql<string>`case when people.updated_at < ${at} then excluded.email else people.email end`,
            updated_at: sql<Date>`greatest(people.updated_at, ${at})`,
            ...(roles
              ? {
                  roles: sql<
                    string[]
                  >`case when people.roles_at is null or people.roles_at < ${at} then excluded.roles else people.roles end`,
                  roles_at: sql<Date>`greatest(coalesce(people.roles_at, ${at}), ${at})`,
                }
              : {}),
          }),
        )
        .execute();
    },

    /** The roles as of `at` (user.roles_changed.v1); creates the row when the profile has not arrived yet. */
    async upsertRoles(userId: string, roles: readonly Role[], at: Date) {
      await db
        .insertInto('people')
        .values({ user_id: userId, display_name: null, email: null, updated_at: NO_PROFILE_YET, roles: [...roles], roles_at: at })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({ roles: [...roles], roles_at: at })
            .where(sql<boolean>`people.roles_at is null or people.roles_at < ${at}`),
        )
        .execute();
    },

    /** The roles last heard for `userId`, or undefined when nothing is known of their roles. */
    async rolesOf(userId: string): Promise<Role[] | undefined> {
      const row = await db.selectFrom('people').select(['roles', 'roles_at']).where('user_id', '=', userId).executeTakeFirst();
      return row && row.roles_at !== null ? (row.roles as Role[]) : undefined;
    },
  };
}
