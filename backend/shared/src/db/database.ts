import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { isConnectionError } from './connection-errors.js';
import { pingDatabase } from './health.repository.js';

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
  /** Kysely without the per-statement timeout (PostgreSQL: a pool of its own), for migrations only. */
  forMigrations(): Kysely<DB>;
}

/** Options for `connectDatabase`: a PostgreSQL URL, or a PGlite data directory (`memory://` for tests). */
export interface DatabaseOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  logger?: Logger;
  poolSize?: number;
  /**
   * How long one statement may run, and how long a request may wait for a connection, before it
   * fails with a connection-class error (answered 503 with Retry-After). Default 1500 ms, so a
   * request that needs a lost or silent database is answered within 2 s instead of hanging.
   */
  timeoutMs?: number;
}

/** The default of `DatabaseOptions.timeoutMs`. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 1500;

/** Opens PostgreSQL when `url` is set, PGlite under `dataDir` otherwise. */
export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseConnection> {
  if (options.url) return connectPostgres(options.url, options);
  return connectPglite(options.dataDir ?? 'memory://', options);
}

async function connectPostgres(url: string, options: DatabaseOptions): Promise<DatabaseConnection> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const logger = options.logger;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Waiting for a free client and opening a new connection are both bounded.
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 30_000,
    // The server cancels a statement that runs too long (the connection stays usable); the client
    // gives up on one whose answer never comes (a silent network), whichever comes first.
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 200,
    // A connection whose peer vanished without a FIN is noticed by the kernel, not only by the next query.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // pg-pool listens for errors only on idle clients; a client checked out (by Kysely, for a query
  // or a whole transaction) whose connection breaks emits 'error' with no listener, and that ends
  // the process. Every client therefore gets a listener of its own for its whole life.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger?.warn({ err: String(err) }, 'PostgreSQL connection lost (in use)'));
  });
  pool.on('error', (err) => logger?.warn({ err: String(err) }, 'PostgreSQL connection lost (idle)'));
  const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: discardingBrokenClients(pool) }) });
  // Migrations may run longer than a request's statement: their own pool, opened on first use.
  let unbounded: { kysely: Kysely<unknown>; pool: pg.Pool } | undefined;
  const unboundedKysely = () => {
    if (!unbounded) {
      const p = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000, keepAlive: true });
      p.on('connect', (client) =>
        client.on('error', (err) => logger?.warn({ err: String(err) }, 'PostgreSQL connection lost (migrations)')),
      );
      p.on('error', (err) => logger?.warn({ err: String(err) }, 'PostgreSQL connection lost (migrations, idle)'));
      unbounded = { pool: p, kysely: new Kysely<unknown>({ dialect: new PostgresDialect({ pool: p }) }) };
    }
    return unbounded.kysely;
  };
  const listener = createPgListener(url, timeoutMs, logger);
  return {
    kind: 'postgres',
    forSchema: <DB>(schema: string) => serviceDb<DB>('postgres', kysely, schema, listener.listen, unboundedKysely),
    async close() {
      await listener.close();
      await kysely.destroy();
      await unbounded?.kysely.destroy();
    },
  };
}

/**
 * The pool as Kysely sees it, with one change: a client whose query failed because its
 * connection broke or went silent (query timeout) is destroyed on release instead of going back
 * to the pool, and every later query on it in the same checkout (a ROLLBACK) fails at once
 * instead of queueing behind the query that never answered.
 */
function discardingBrokenClients(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken: Error | undefined;
      const query = (...args: unknown[]): unknown => {
        if (broken) return Promise.reject(new Error(`Database unavailable: ${broken.message}`, { cause: broken }));
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((err: unknown) => {
            if (isConnectionError(err) && !isStatementTimeout(err)) broken = err instanceof Error ? err : new Error(String(err));
            throw err;
          });
        }
        return result;
      };
      return {
        query: query as PostgresPoolClient['query'],
        release() {
          client.release(broken);
        },
      };
    },
    end: () => pool.end(),
  };
}

/** A statement cancelled by the server's statement_timeout: the connection itself is fine. */
const isStatementTimeout = (err: unknown) => (err as { code?: unknown } | null)?.code === '57014';

/**
 * PGlite and its dialect are loaded only here, in embedded mode: the service images leave them out
 * (26 MB of WebAssembly that a service with DATABASE_URL never runs; backend/Dockerfile).
 */
async function loadPglite() {
  try {
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
    return { PGlite, PGliteDialect };
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error('DATABASE_URL is not set and this installation has no embedded database (PGlite): set DATABASE_URL', { cause: err });
  }
}

async function connectPglite(dataDir: string, _options: DatabaseOptions): Promise<DatabaseConnection> {
  const { PGlite, PGliteDialect } = await loadPglite();
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
    forSchema: <DB>(schema: string) => serviceDb<DB>('pglite', kysely, schema, listen, () => kysely),
    async close() {
      await kysely.destroy();
    },
  };
}

function serviceDb<DB>(
  kind: DatabaseKind,
  kysely: Kysely<unknown>,
  schema: string,
  listen: Listen,
  unbounded: () => Kysely<unknown>,
): ServiceDb<DB> {
  const db = kysely.withSchema(schema) as unknown as Kysely<DB>;
  return {
    kind,
    schema,
    db,
    listen,
    forMigrations: () => unbounded().withSchema(schema) as unknown as Kysely<DB>,
    async ping() {
      await pingDatabase(db);
    },
  };
}

/** How often the LISTEN connection proves it is alive; a silent (black-holed) one is replaced. */
const LISTEN_HEARTBEAT_MS = 5000;

/**
 * One dedicated connection for LISTEN. When it breaks (an error, an end, or a heartbeat that gets
 * no answer) it is replaced with exponential back-off, every channel is LISTENed again, and every
 * subscriber is woken once: a NOTIFY sent while no one listened is lost, so each loop catches up.
 */
function createPgListener(url: string, timeoutMs: number, logger?: Logger) {
  const channels = new Map<string, Set<() => void>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let backoffMs = 0;

  const heartbeat = setInterval(() => {
    const c = client;
    if (!c) return;
    c.query({ text: 'select 1', query_timeout: Math.max(timeoutMs, 2000) } as pg.QueryConfig).catch((err: unknown) => {
      lost(c, err);
    });
  }, LISTEN_HEARTBEAT_MS);
  heartbeat.unref();

  /** Forgets `c` (if it is still the current client), closes it hard, and reconnects later. */
  function lost(c: pg.Client, err: unknown) {
    if (client !== c) return;
    client = undefined;
    logger?.warn({ err: String(err) }, 'LISTEN connection lost; reconnecting');
    destroy(c);
    scheduleReconnect();
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(timeoutMs, 2000), keepAlive: true });
    c.on('notification', (msg) => channels.get(msg.channel)?.forEach((fn) => fn()));
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('connection ended')));
    try {
      await c.connect();
      for (const channel of channels.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      destroy(c);
      throw err;
    }
    if (closed) {
      destroy(c);
      throw new Error('listener closed');
    }
    client = c;
    backoffMs = 0;
    // Wake every subscriber once: notifications sent while we were disconnected are lost.
    channels.forEach((fns) => fns.forEach((fn) => fn()));
    return c;
  }

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    backoffMs = Math.min(backoffMs ? backoffMs * 2 : 250, 5000);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensure().catch((err: unknown) => {
        logger?.warn({ err: String(err), retryInMs: backoffMs }, 'LISTEN reconnect failed');
        scheduleReconnect();
      });
    }, backoffMs);
    retryTimer.unref();
  }

  async function ensure(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= connect().finally(() => (connecting = undefined));
    return connecting;
  }

  return {
    listen: (async (channel, onNotify) => {
      let set = channels.get(channel);
      const isNew = !set;
      if (!set) channels.set(channel, (set = new Set()));
      set.add(onNotify);
      try {
        const wasConnected = client !== undefined;
        const c = await ensure();
        // A connection made by this very call already LISTENs on every known channel.
        if (isNew && wasConnected) await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (err) {
        logger?.warn({ err: String(err) }, 'LISTEN failed; relying on polling until reconnected');
        if (client) lost(client, err);
        else scheduleReconnect();
      }
      return async () => {
        set.delete(onNotify);
      };
    }) satisfies Listen,
    async close() {
      closed = true;
      clearInterval(heartbeat);
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await connecting?.catch(() => undefined);
      if (c) await Promise.race([c.end().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      if (c) destroy(c);
    },
  };
}

/**
 * Closes a client's socket at once. `client.end()` waits for the server to acknowledge, which a
 * black-holed connection never does; node-postgres has no public destroy, hence the cast.
 */
function destroy(c: pg.Client) {
  (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export { sql };
