import { sql, type Kysely, type Migration } from 'kysely';
import { messagingMigration, millisecondTimestampsMigration } from '@secureevent/shared';
import { renderDescription } from '../events/description.js';

/** The event-service's migrations, applied in key order at start. */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messagingMigration,
  '0001_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('venue', 'text')
        .addColumn('online_url', 'text')
        .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0`))
        .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('public','internal','private')`))
        .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','published','cancelled','completed')`))
        .addColumn('organizer_ids', sql`text[]`, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('published_at', 'timestamptz')
        .addCheckConstraint('events_time_order', sql`ends_at > starts_at`)
        .execute();
      // Listing pages through published events by (starts_at, id); this index serves that order.
      await db.schema.createIndex('events_listing').on('events').columns(['status', 'starts_at', 'id']).execute();
    },
  },
  '0002_registrations': {
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
  },
  '0006_calendar': {
    async up(db: Kysely<unknown>) {
      // The feed URL is the credential (calendar apps send no headers): store its hash, never the token.
      await db.schema
        .createTable('calendar_feeds')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
  '0004_search': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('events')
        .addColumn('search', sql`tsvector`)
        .execute();
      await sql`update events.events set search = to_tsvector('simple', title || ' ' || description || ' ' || array_to_string(tags, ' '))`.execute(
        db,
      );
      await db.schema.createIndex('events_search').on('events').using('gin').column('search').execute();
      await db.schema.createIndex('events_tags').on('events').using('gin').column('tags').execute();
    },
  },
  '0005_invites': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('events').addColumn('invite_code', 'text').execute();
      // Events created from now on get 16 random bytes from the application; rows that predate
      // this migration get a 22-character code here (md5 is enough to make them unguessable in practice).
      await sql`update events.events set invite_code = substr(md5(random()::text || clock_timestamp()::text || id), 1, 22)`.execute(db);
    },
  },
  '0007_description_html': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('events')
        .addColumn('description_html', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      // Existing rows are rendered here, in the application's renderer, once.
      const rows = await sql<{ id: string; description: string }>`select id, description from events.events`.execute(db);
      for (const row of rows.rows) {
        await sql`update events.events set description_html = ${renderDescription(row.description)} where id = ${row.id}`.execute(db);
      }
    },
  },
  // Keyset cursors carry milliseconds: sort keys are stored at that precision.
  '0008_millisecond_sort_keys': millisecondTimestampsMigration({ registrations: ['created_at'] }),
  '0009_people_roles': {
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
  },
};
