import { sql, type Kysely, type Migration } from 'kysely';

/** Registrations, the waitlist, the counters that guard capacity, people and idempotency keys. */
export const registrations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('events')
      .addColumn('registration_opens_at', 'timestamptz')
      .addColumn('registration_closes_at', 'timestamptz')
      .addColumn('questions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('confirmed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('waitlisted_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cancelled_at', 'timestamptz')
      .execute();
    // The database, not the application, guarantees that no event is ever oversold.
    await db.schema
      .alterTable('events')
      .addCheckConstraint('events_never_oversold', sql`confirmed_count >= 0 and confirmed_count <= capacity and waitlisted_count >= 0`)
      .execute();
    // Raw SQL is not rewritten into the service schema, so it names `events.` itself.
    await sql`create sequence events.waitlist_seq`.execute(db);
    await db.schema
      .createTable('registrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('confirmed','waitlisted','cancelled')`))
      .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('waitlist_seq', 'bigint')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('confirmed_at', 'timestamptz')
      .addColumn('promoted_at', 'timestamptz')
      .addColumn('cancelled_at', 'timestamptz')
      .addColumn('checked_in_at', 'timestamptz')
      .addColumn('checked_in_by', 'text')
      .execute();
    // One live registration per person and event; after cancelling, they may register again.
    await db.schema
      .createIndex('registrations_one_live')
      .unique()
      .on('registrations')
      .columns(['event_id', 'user_id'])
      .where(sql.ref('status'), '<>', 'cancelled')
      .execute();
    await db.schema
      .createIndex('registrations_waitlist')
      .on('registrations')
      .columns(['event_id', 'waitlist_seq'])
      .where(sql.ref('status'), '=', 'waitlisted')
      .execute();
    await db.schema.createIndex('registrations_by_user').on('registrations').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('registrations_by_event').on('registrations').columns(['event_id', 'created_at', 'id']).execute();
    // A local copy of who people are (from user.registered.v1), for attendee lists; never read across schemas.
    await db.schema
      .createTable('people')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
      .execute();
  },
};
