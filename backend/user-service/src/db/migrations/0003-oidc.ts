import type { Kysely, Migration } from 'kysely';

/** Accounts created by enterprise sign-in have no password; identities are looked up per user. */
export const oidc: Migration = {
  async up(db: Kysely<unknown>) {
    // Accounts created by enterprise sign-in have no password; password sign-in verifies against a dummy hash and fails.
    await db.schema
      .alterTable('users')
      .alterColumn('password_hash', (c) => c.dropNotNull())
      .execute();
    // Looks up the identities of one user (linking refuses a second subject of the same issuer).
    await db.schema.createIndex('identities_user').on('identities').columns(['user_id', 'issuer']).execute();
  },
};
