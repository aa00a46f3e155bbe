import { sql, type Kysely, type Migration } from 'kysely';

/** Email and reminders as database queues (ADR 0012): the users and events projections, preferences, deliveries, the reminder schedule. */
export const mailAndReminders: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('preferences')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('in_app', 'email', 'both')`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('preferences_pk', ['user_id', 'kind'])
      .execute();
    await db.schema
      .createTable('email_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('source_key', 'text', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('pending')
          .check(sql`status in ('pending', 'sent', 'failed')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('locked_until', 'timestamptz')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('sent_at', 'timestamptz')
      .addUniqueConstraint('email_deliveries_once', ['source_key', 'user_id', 'kind'])
      .execute();
    // The worker's claim query scans only what is still to be sent.
    await db.schema
      .createIndex('email_deliveries_due')
      .on('email_deliveries')
      .columns(['next_attempt_at'])
      .where(sql.ref('status'), '=', 'pending')
      .execute();
    // The admin listing pages by status, newest first.
    await db.schema
      .createIndex('email_deliveries_by_status')
      .on('email_deliveries')
      .columns(['status', 'created_at desc', 'id desc'])
      .execute();
    await db.schema
      .createTable('events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ends_at', 'timestamptz')
      .addColumn('time_zone', 'text')
      .addColumn('cancelled_at', 'timestamptz')
      .addColumn('version', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('reminders')
      .addColumn('registration_id', 'text', (c) => c.notNull())
      .addColumn('offset_minutes', 'integer', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'timestamptz', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'dropped')`))
      .addColumn('registration_at', 'timestamptz', (c) => c.notNull())
      .addColumn('sent_at', 'timestamptz')
      .addPrimaryKeyConstraint('reminders_pk', ['registration_id', 'offset_minutes'])
      .execute();
    await db.schema.createIndex('reminders_due').on('reminders').columns(['due_at']).where(sql.ref('status'), '=', 'pending').execute();
    await db.schema.createIndex('reminders_by_event').on('reminders').columns(['event_id']).execute();
  },
};
