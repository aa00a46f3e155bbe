import { sql, type Kysely, type Migration } from 'kysely';

/** People's roles, so that the event-service knows who may be made a co-organizer. */
export const peopleRoles: Migration = {
  async up(db: Kysely<unknown>) {
    // Roles decide who may be made a co-organizer; they arrive on their own messages, on their
    // own clock, sometimes before the profile (hence the nullable name and email).
    await db.schema
      .alterTable('people')
      .addColumn('roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('roles_at', 'timestamptz')
      .execute();
    await db.schema
      .alterTable('people')
      .alterColumn('display_name', (c) => c.dropNotNull())
      .alterColumn('email', (c) => c.dropNotNull())
      .execute();
  },
};
