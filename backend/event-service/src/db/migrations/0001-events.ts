import { sql, type Kysely, type Migration } from 'kysely';

/** Events and the index the public listing pages through. */
export const events: Migration = {
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
};
