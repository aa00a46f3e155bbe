import { sql, type Generated, type Kysely, type Migration } from 'kysely';

/** Tables for the transactional outbox and the consumer inbox, created in each service's own schema. */
export interface MessagingTables {
  outbox: {
    seq: Generated<string>;
    id: string;
    type: string;
    envelope: unknown;
    created_at: Generated<Date>;
    locked_until: Date | null;
    attempts: Generated<number>;
    last_error: string | null;
    published_at: Date | null;
  };
  inbox: {
    consumer: string;
    message_id: string;
    processed_at: Generated<Date>;
  };
}

/** The migration every service includes first (`0000_messaging`). */
export const messagingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox')
      .addColumn('seq', 'bigserial', (c) => c.primaryKey())
      .addColumn('id', 'uuid', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('envelope', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('locked_until', 'timestamptz')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('published_at', 'timestamptz')
      .execute();
    // The relay only ever scans unpublished rows; a partial index keeps that scan small forever.
    await db.schema.createIndex('outbox_unpublished').on('outbox').column('seq').where(sql.ref('published_at'), 'is', null).execute();
    await db.schema
      .createTable('inbox')
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('inbox_pk', ['consumer', 'message_id'])
      .execute();
  },
};
