import type { Kysely, Migration } from 'kysely';

/** `realtime_events.version`: the time of the change the row reflects, so out-of-order messages cannot undo a newer one. */
export const realtimeEventVersions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('realtime_events').addColumn('version', 'timestamptz').execute();
  },
};
