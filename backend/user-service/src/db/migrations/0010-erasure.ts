import type { Kysely, Migration } from 'kysely';

/** Erasure (GDPR art. 17): an erased account keeps an anonymous row, so its id stays refused and is never reused. */
export const erasure: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('erased_at', 'timestamptz').execute();
  },
};
