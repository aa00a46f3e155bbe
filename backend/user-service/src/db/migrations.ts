import { sql, type Kysely, type Migration } from 'kysely';
import { messagingMigration, millisecondTimestampsMigration } from '@secureevent/shared';

/** The user-service's migrations, applied in key order at start. */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messagingMigration,
  '0001_users': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // Emails are stored normalised (trimmed, lower case); the unique index is the source of truth for "taken".
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('roles', sql`text[]`, (c) => c.notNull())
        .addColumn('disabled_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
  '0002_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // Every rotation stays in its family, so reuse of any old token can revoke all of them at once.
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // sha256 of the secret part: a database leak yields no usable token.
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('family_expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz')
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('revoke_reason', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
      await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').column('user_id').execute();
      await db.schema
        .createTable('identities')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('identities_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('users_created').on('users').columns(['created_at', 'id']).execute();
    },
  },
  '0003_oidc': {
    async up(db: Kysely<unknown>) {
      // Accounts created by enterprise sign-in have no password; password sign-in verifies against a dummy hash and fails.
      await db.schema
        .alterTable('users')
        .alterColumn('password_hash', (c) => c.dropNotNull())
        .execute();
      // Looks up the identities of one user (linking refuses a second subject of the same issuer).
      await db.schema.createIndex('identities_user').on('identities').columns(['user_id', 'issuer']).execute();
    },
  },
  // Keyset cursors carry milliseconds: sort keys are stored at that precision.
  '0004_millisecond_sort_keys': millisecondTimestampsMigration({ users: ['created_at'] }),
  // A reuse within the grace window is judged by the successor: used already, or issued to another client?
  '0005_refresh_successors': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('refresh_tokens')
        .addColumn('parent_id', 'text')
        .addColumn('successor_id', 'text')
        .addColumn('successor_sealed', 'text')
        .execute();
    },
  },
};
