import { sql, type Kysely, type Migration } from 'kysely';

/** The in-app inbox: one notification per message, user and kind. */
export const notifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('link', 'text')
      .addColumn('source_message_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('read_at', 'timestamptz')
      .addUniqueConstraint('notifications_once_per_message', ['source_message_id', 'user_id', 'kind'])
      .execute();
    // The inbox pages newest first per user.
    await db.schema.createIndex('notifications_by_user').on('notifications').columns(['user_id', 'created_at desc', 'id desc']).execute();
  },
};
