import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql, type Migration } from 'kysely';
import { Migrator } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Logger } from '../logging/logger.js';

/** Which database adapter is in use: PGlite in-process (embedded) or a PostgreSQL server. */
export type DatabaseKind = 'pglite' | 'postgres';

/** Subscribes to a Postgres NOTIFY channel; resolves to an unsubscribe function. */
export type Listen = (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;

/**
 * One database connection (pool or PGlite instance). In embedded mode one is shared by all
 * services; each service only ever sees its own schema through `forSchema`.
 */
export interface DatabaseConnection {
  readonly kind: DatabaseKind;
  forSchema<DB>(schema: string): ServiceDb<DB>;
  close(): Promise<void>;
}

/** A service's view of the database, confined to its own schema. */
export interface ServiceDb<DB> {
  readonly kind: DatabaseKind;
  readonly schema: string;
  /** Kysely with every unqualified table resolved in `schema`. */
  readonly db: Kysely<DB>;
  listen: Listen;
  /** Readiness probe: a trivial round trip. */
  ping(): Promise<void>;
}

/** Options for `connectDatabase`: a PostgreSQL URL, or a PGlite data directory (`memory://` for tests). */
export interface DatabaseOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  logger?: Logger;
  poolSize?: number;
}

/** Opens PostgreSQL when `url` is set, PGlite under `dataDir` otherwise. */
export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseConnection> {
  if (options.url) return connectPostgres(options.url, options);
  return connectPglite(options.dataDir ?? 'memory://', options);
}

async function connectPostgres(url: string, options: DatabaseOptions): Promise<DatabaseConnection> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => options.logger?.warn({ err }, 'idle PostgreSQL client error'));
  const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const listener = createPgListener(url, options.logger);
  return {
    kind: 'postgres',
    forSchema: <DB>(schema: string) => serviceDb<DB>('postgres', kysely, schema, listener.listen),
    async close() {
      await listener.close();
      await kysely.destroy();
    },
  };
}

async function connectPglite(dataDir: string, _options: DatabaseOptions): Promise<DatabaseConnection> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  // One dialect, hence one driver queue, for the whole process: PGlite has a single connection,
  // and two drivers interleaving statements would break each other's transactions.
  const kysely = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  const listen: Listen = async (channel, onNotify) => {
    const unsubscribe = await pglite.listen(channel, () => onNotify());
    return async () => unsubscribe();
  };
  return {
    kind: 'pglite',
    forSchema: <DB>(schema: string) => serviceDb<DB>('pglite', kysely, schema, listen),
    async close() {
      await kysely.destroy();
    },
  };
}

function serviceDb<DB>(kind: DatabaseKind, kysely: Kysely<unknown>, schema: string, listen: Listen): ServiceDb<DB> {
  const db = kysely.withSchema(schema) as unknown as Kysely<DB>;
  return {
    kind,
    schema,
    db,
    listen,
    async ping() {
      await sql`select 1`.execute(db);
    },
  };
}

/** One dedicated connection for LISTEN, reconnecting after failures and re-subscribing every channel. */
function createPgListener(url: string, logger?: Logger) {
  const channels = new Map<string, Set<() => void>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    c.on('notification', (msg) => channels.get(msg.channel)?.forEach((fn) => fn()));
    c.on('error', (err) => {
      logger?.warn({ err }, 'LISTEN connection lost; reconnecting');
      client = undefined;
      scheduleReconnect();
    });
    await c.connect();
    for (const channel of channels.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
    // Wake every subscriber once: notifications sent while we were disconnected are lost.
    channels.forEach((fns) => fns.forEach((fn) => fn()));
    return c;
  }

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensure().catch(() => scheduleReconnect());
    }, 1000);
    retryTimer.unref();
  }

  async function ensure(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= connect().finally(() => (connecting = undefined));
    client = await connecting;
    return client;
  }

  return {
    listen: (async (channel, onNotify) => {
      let set = channels.get(channel);
      const isNew = !set;
      if (!set) channels.set(channel, (set = new Set()));
      set.add(onNotify);
      try {
        const c = await ensure();
        if (isNew) await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (err) {
        logger?.warn({ err }, 'LISTEN failed; relying on polling until reconnected');
        scheduleReconnect();
      }
      return async () => {
        set.delete(onNotify);
      };
    }) satisfies Listen,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the service's schema and applies its migrations in order. Safe with several replicas
 * starting at once: Kysely's migrator takes an advisory lock on PostgreSQL.
 */
export async function migrate(sdb: ServiceDb<unknown>, migrations: Record<string, Migration>, logger?: Logger): Promise<void> {
  const root = sdb.db.withoutPlugins();
  await sql`create schema if not exists ${sql.id(sdb.schema)}`.execute(root);
  const migrator = new Migrator({
    db: sdb.db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: sdb.schema,
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

export { sql };
