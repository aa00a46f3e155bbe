import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Generated, type Kysely, type Migration, type Transaction } from 'kysely';
import { newId } from '../ids/ids.js';

/** One user's audit key in one producing service (ADR 0021; see `personal-data.ts`). */
export interface SubjectKey {
  keyId: string;
  secret: Buffer;
}

/** The table and indexes of the key store, created in every service's schema at boot. */
export const auditSubjectKeysMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_subject_keys')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      // Random and unique: an entry names its key without naming whose it is.
      .addColumn('key_id', 'text', (c) => c.notNull().unique())
      .addColumn('secret', 'bytea', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },
};

/**
 * Creates the key store in `schema` with its own migration bookkeeping (like the disabled-users
 * table), so every service has it without listing it among its own migrations.
 */
export async function migrateAuditSubjectKeys(db: Kysely<unknown>, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db.withoutPlugins());
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ '0000_audit_subject_keys': auditSubjectKeysMigration }) },
    migrationTableSchema: schema,
    migrationTableName: 'shared_audit_keys_migration',
    migrationLockTableName: 'shared_audit_keys_migration_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`audit_subject_keys migration failed: ${JSON.stringify(error)}`);
}

/** The key store's table, as the functions below see it through the caller's schema-bound Kysely. */
interface KeyStore {
  audit_subject_keys: { user_id: string; key_id: string; secret: Buffer; created_at: Generated<Date> };
}

/** The caller's database or transaction (bound to its service's schema) seen as the key store. */
const store = <DB>(db: Kysely<DB>) => db as unknown as Kysely<KeyStore>;

const toKey = (row: { key_id: string; secret: Buffer }): SubjectKey => ({ keyId: row.key_id, secret: Buffer.from(row.secret) });

/**
 * The key of `userId` in the service's schema, created on first use inside `trx`. Two
 * transactions creating the same user's key at once converge on one: the second waits on the
 * primary key, then reads the row the first committed.
 */
export async function subjectKeyFor<DB>(trx: Transaction<DB>, userId: string): Promise<SubjectKey> {
  const keys = store(trx);
  const inserted = await keys
    .insertInto('audit_subject_keys')
    .values({ user_id: userId, key_id: newId('ask'), secret: randomBytes(32) })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .returning(['key_id', 'secret'])
    .executeTakeFirst();
  const row =
    inserted ?? (await keys.selectFrom('audit_subject_keys').select(['key_id', 'secret']).where('user_id', '=', userId).executeTakeFirst());
  if (!row) throw new Error('an audit subject key vanished while it was being read');
  return toKey(row);
}

/** The key named `keyId` in the service's schema, or undefined once it was erased (or was never this service's). */
export async function subjectKeyById<DB>(db: Kysely<DB>, keyId: string): Promise<SubjectKey | undefined> {
  const row = await store(db).selectFrom('audit_subject_keys').select(['key_id', 'secret']).where('key_id', '=', keyId).executeTakeFirst();
  return row ? toKey(row) : undefined;
}

/**
 * Crypto-shreds `userId`'s audit references in the service's schema: deletes the key, inside the
 * caller's erasure transaction (`user.erased.v1`). Returns whether there was one. The chain is untouched.
 */
export async function eraseAuditSubjectKey<DB>(trx: Transaction<DB>, userId: string): Promise<boolean> {
  const result = await store(trx).deleteFrom('audit_subject_keys').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
