import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Logger } from '../../logging/logger.js';
import type { ServiceDb } from '../database.js';

/**
 * Creates the service's schema and applies its migrations in order. Safe with several replicas
 * starting at once: Kysely's migrator takes an advisory lock on PostgreSQL.
 */
export async function migrate(sdb: ServiceDb<unknown>, migrations: Record<string, Migration>, logger?: Logger): Promise<void> {
  const db = sdb.forMigrations();
  await sql`create schema if not exists ${sql.id(sdb.schema)}`.execute(db.withoutPlugins());
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: sdb.schema,
    // Features are built in parallel, each adding its own numbered migrations; a database that
    // already ran a later-numbered one still applies an earlier-numbered newcomer instead of
    // refusing to start. Every migration is written to be independent of its neighbours'
    // order within a release (each touches its own tables or columns).
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === 'Success') logger?.info({ migration: r.migrationName, schema: sdb.schema }, 'migration applied');
  }
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
}

/**
 * A migration that stores the given timestamp columns at millisecond precision (`timestamptz(3)`),
 * the precision a JavaScript Date and an ISO cursor carry. Keyset paging on such a column then
 * compares exactly: with microseconds in the database, rows in the same millisecond as a page's
 * last row were skipped (descending) or repeated (ascending). Existing values are rounded.
 */
export function millisecondTimestampsMigration(columns: Record<string, string[]>): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const [table, names] of Object.entries(columns)) {
        for (const name of names) {
          await db.schema
            .alterTable(table)
            .alterColumn(name, (c) => c.setDataType(sql`timestamptz(3)`))
            .execute();
        }
      }
    },
  };
}
