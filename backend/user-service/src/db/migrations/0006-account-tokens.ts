import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Email verification, the profile's language and time zone, and the single-use tokens mailed for
 * password reset and email verification.
 */
export const accountTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('email_verified_at', 'timestamptz')
      .addColumn('locale', 'text')
      .addColumn('time_zone', 'text')
      .execute();
    // Accounts older than verification keep working under REQUIRE_VERIFIED_EMAIL: they count as verified.
    // Through the query builder, so the table resolves in the service's schema (raw SQL would not).
    await (db as Kysely<{ users: { email_verified_at: Date | null; created_at: Date } }>)
      .updateTable('users')
      .set({ email_verified_at: sql`created_at` })
      .execute();
    await db.schema
      .createTable('account_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('password_reset', 'email_verification')`))
      // sha256 of the secret part of the mailed token: a database leak yields no usable link.
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      // The address a verification token confirms (the new one, on an email change).
      .addColumn('email', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('used_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'purpose']).execute();
  },
};
