import { sql, type Kysely, type Migration } from 'kysely';

/** The full-text document over title, description and tags, and the tag index. */
export const search: Migration = {
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
};
