import type { Kysely, Migration } from 'kysely';

/**
 * `GET /api/audit/stats` counts entries in a time range by action, outcome and type: with all four
 * columns in one index, PostgreSQL answers from the index alone (an index-only range scan), never
 * reading the entries' data. It also serves every `occurred_at` range filter, so it replaces the
 * single-column index.
 */
export const statsIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('entries_occurred_at_facets').on('entries').columns(['occurred_at', 'action', 'outcome', 'type']).execute();
    await db.schema.dropIndex('entries_occurred_at').ifExists().execute();
  },
};
