import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The second factor: one authenticator (TOTP) per user, its single-use recovery codes, and the
 * short-lived challenges that sit between a right password and a right code at sign-in.
 */
export const mfa: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mfa_totp')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      // AES-256-GCM under the service's MFA key: a database dump alone yields no usable secret.
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      // Null while set-up is pending (the user has not yet proven the app shows the right codes).
      .addColumn('confirmed_at', 'timestamptz')
      // The newest 30-second step a code was accepted for: no code of it or before it is accepted again.
      .addColumn('last_used_step', 'bigint')
      .execute();
    await db.schema
      .createTable('mfa_recovery_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // sha256 of the normalised code; the codes themselves are shown once and never stored.
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('used_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('mfa_recovery_codes_user').on('mfa_recovery_codes').columns(['user_id', 'code_hash']).execute();
    await db.schema
      .createTable('mfa_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // sha256 of the secret part of the mfaToken.
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('token_delivery', 'text', (c) => c.notNull().check(sql`token_delivery in ('cookie', 'body')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('used_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('mfa_challenges_user').on('mfa_challenges').column('user_id').execute();
  },
};
