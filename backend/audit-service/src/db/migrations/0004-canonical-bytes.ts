import type { Kysely, Migration } from 'kysely';

/**
 * The exact bytes each entry's hash covers after the previous hash (the RFC 8785 canonical JSON of
 * its chained fields), stored when the entry is recorded, so that verification hashes them as they
 * are instead of re-serialising every entry (the costly step). Verification still checks that they
 * say what the entry's columns say (in SQL, as JSON), so editing either is caught. Entries recorded
 * before this column have none and are verified from their columns as before.
 */
export const canonicalBytes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('entries').addColumn('canonical', 'text').execute();
  },
};
