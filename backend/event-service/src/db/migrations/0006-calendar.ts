import { sql, type Kysely, type Migration } from 'kysely';

/** One secret calendar feed per user. */
export const calendar: Migration = {
  async up(db: Kysely<unknown>) {
    // The feed URL is the credential (calendar apps send no headers): store its hash, never the token.
    await db.schema
      .createTable('calendar_feeds')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
};
