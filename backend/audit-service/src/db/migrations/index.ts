import { sql, type Kysely, type Migration } from 'kysely';
import { messagingMigration } from '@secureevent/shared';

/** The audit-service's migrations, applied in key order at start. */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messagingMigration,
  '0001_entries': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('entries')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .execute();
    },
  },
};
