import { sql, type Kysely, type Migration } from 'kysely';

/** The invitation code of private events. */
export const invites: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('events').addColumn('invite_code', 'text').execute();
    // Events created from now on get 16 random bytes from the application; rows that predate
    // this migration get a 22-character code here (md5 is enough to make them unguessable in practice).
    await sql`update events.events set invite_code = substr(md5(random()::text || clock_timestamp()::text || id), 1, 22)`.execute(db);
  },
};
