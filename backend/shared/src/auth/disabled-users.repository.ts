import { Migrator, sql, type Kysely, type Migration, type QueryExecutorProvider } from 'kysely';

/** The NOTIFY channel that tells every replica of a schema to reload its set of disabled users. */
export function disabledUsersChannel(schema: string): string {
  return `disabled_users_${schema}`;
}

/**
 * `disabled_users`, created in every service's own schema: the last known state of each account
 * that was ever disabled. Kept per account (not only the disabled ones) so that a late, older
 * message can never undo a newer one.
 */
const disabledUsersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('disabled_users')
      .ifNotExists()
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('disabled', 'boolean', (c) => c.notNull())
      // When the admin made the change (from the message), not when this service heard of it.
      .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};

/**
 * Applies the table's migration with a migration table of its own, so that it never mixes with
 * (or sorts among) the service's own migrations.
 */
export async function migrateDisabledUsers(db: Kysely<unknown>, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db.withoutPlugins());
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ '0000_disabled_users': disabledUsersMigration }) },
    migrationTableSchema: schema,
    migrationTableName: 'shared_disabled_users_migration',
    migrationLockTableName: 'shared_disabled_users_migration_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`disabled_users migration failed: ${JSON.stringify(error)}`);
}

/**
 * Records that `userId` was disabled (or enabled) at `at`, inside `trx`, unless a newer change is
 * already known, and wakes every replica of the schema at commit (NOTIFY is transactional).
 */
export async function recordAccountState(
  trx: QueryExecutorProvider,
  schema: string,
  change: { userId: string; disabled: boolean; at: Date },
): Promise<void> {
  const table = sql.id(schema, 'disabled_users');
  await sql`
    insert into ${table} (user_id, disabled, changed_at) values (${change.userId}, ${change.disabled}, ${change.at})
    on conflict (user_id) do update set disabled = excluded.disabled, changed_at = excluded.changed_at
    where ${table}.changed_at <= excluded.changed_at`.execute(trx);
  await sql`select pg_notify(${disabledUsersChannel(schema)}, '')`.execute(trx);
}

/** The ids of every account currently disabled. */
export async function loadDisabledUserIds(db: QueryExecutorProvider, schema: string): Promise<string[]> {
  const { rows } = await sql<{ user_id: string }>`select user_id from ${sql.id(schema, 'disabled_users')} where disabled`.execute(db);
  return rows.map((r) => r.user_id);
}
