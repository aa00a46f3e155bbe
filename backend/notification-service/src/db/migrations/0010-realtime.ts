import { sql, type Kysely, type Migration } from 'kysely';

/** The projection the WebSocket gateway decides room access on (see `RealtimeTables` in db/schema.ts). */
export const realtime: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('realtime_events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility in ('public','internal','private')`))
      .addColumn('organizer_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('published','cancelled')`))
      .execute();
    await db.schema
      .createTable('realtime_registrations')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('realtime_registrations_pk', ['event_id', 'user_id'])
      .execute();
  },
};
