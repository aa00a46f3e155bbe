import { sql, type Generated, type Kysely, type Migration } from 'kysely';

/**
 * What the WebSocket gateway needs to decide who may watch an event: a projection of the
 * event-service's messages (it never reads the event-service's tables). Published events only:
 * a draft has no room to watch.
 */
export interface RealtimeTables {
  realtime_events: {
    event_id: string;
    visibility: 'public' | 'internal' | 'private';
    /** Known from `event.published.v1`; empty when the event was first seen through another message. */
    organizer_ids: Generated<string[]>;
    status: 'published' | 'cancelled';
  };
  /** Who holds a live registration (confirmed or waitlisted): they may watch a private event. */
  realtime_registrations: {
    event_id: string;
    user_id: string;
  };
}

/** Migration `0010_realtime`. */
export const realtimeMigration: Migration = {
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
