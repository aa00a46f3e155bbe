import type { Kysely, Migration } from 'kysely';

/** A reuse within the grace window is judged by the successor: used already, or issued to another client? */
export const refreshSuccessors: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('refresh_tokens')
      .addColumn('parent_id', 'text')
      .addColumn('successor_id', 'text')
      .addColumn('successor_sealed', 'text')
      .execute();
  },
};
