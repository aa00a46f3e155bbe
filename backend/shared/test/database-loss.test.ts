import express from 'express';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDatabase, createHttpApp, createLogger, isConnectionError, sql, type DatabaseConnection } from '@secureevent/shared';
import { createTestEnv, startTcpProxy, type TcpProxy, type TestEnv } from '@secureevent/shared/testing';

const logger = createLogger('database-loss-test', { level: 'silent' });

/** Ends every other session of `url`'s database, as `pg_terminate_backend` does when an operator or a failover does it. */
async function terminateBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

async function notify(url: string, channel: string) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`notify "${channel}"`);
  } finally {
    await admin.end();
  }
}

/** An app whose one route needs the database, answering errors with the shared error handler. */
function appOver(database: DatabaseConnection) {
  const router = express.Router();
  router.get('/needs-db', async (_req, res) => {
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.forSchema('public').db);
    res.json({ one: rows[0]?.one });
  });
  return createHttpApp({ service: 'database-loss-test', logger, routers: [router], readiness: [] });
}

describe('when a connection-class error reaches the error handler', () => {
  const errors: [string, () => unknown][] = [
    ['a refused connection', () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a reset connection', () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['admin_shutdown (57P01)', () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection exception (08006)', () => Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a statement timeout (57014)', () => Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a pool timeout', () => new Error('timeout exceeded when trying to connect')],
    ['a query read timeout', () => new Error('Query read timeout')],
    ['a terminated connection', () => new Error('Connection terminated unexpectedly')],
    ['a wrapped cause', () => new Error('failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })],
  ];
  const app = (() => {
    return createHttpApp({
      service: 'database-loss-test',
      logger,
      routers: [],
      readiness: [],
      after: (a) => {
        a.get('/throw/:i', (req) => {
          throw errors[Number(req.params.i)]![1]();
        });
        a.get('/bug', () => {
          throw new Error('a genuine bug');
        });
      },
    });
  })();

  it.each(errors.map(([label], i) => [label, i] as const))('then %s is answered 503 problem+json with Retry-After', async (_label, i) => {
    const res = await request(app).get(`/throw/${i}`);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('then any other error is still a bare 500', async () => {
    const res = await request(app).get('/bug');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(isConnectionError(new Error('a genuine bug'))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});

/** Needs a PostgreSQL server: PGlite runs in-process and cannot lose its connection. */
describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL connections that break', () => {
  let env: TestEnv;
  let url: string;

  beforeAll(async () => {
    env = await createTestEnv();
    url = env.databaseUrl!;
  });
  afterAll(async () => {
    await env?.close();
  });

  it('when every backend is terminated while a transaction holds a client and others idle, then nothing crashes and the next query succeeds', async () => {
    const database = await connectDatabase({ url, logger, poolSize: 4 });
    try {
      const db = database.forSchema('public').db;
      // Fill the pool with idle clients.
      await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(db)));
      const inTransaction = db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // The client is checked out and idle in a transaction while its backend is terminated.
        expect(await terminateBackends(url)).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 2`.execute(trx);
      });
      const failure = await inTransaction.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isConnectionError(failure)).toBe(true);
      await vi.waitFor(async () => expect((await sql<{ n: number }>`select 3 as n`.execute(db)).rows[0]?.n).toBe(3), {
        timeout: 10_000,
        interval: 100,
      });
    } finally {
      await database.close();
    }
  });

  it('when the LISTEN connection is terminated, then it reconnects, wakes its subscribers once to catch up, and hears the next NOTIFY', async () => {
    const database = await connectDatabase({ url, logger });
    try {
      let wakes = 0;
      await database.forSchema('public').listen('loss_test_channel', () => void wakes++);
      await notify(url, 'loss_test_channel');
      await vi.waitFor(() => expect(wakes).toBeGreaterThanOrEqual(1), { timeout: 5000, interval: 20 });

      const before = wakes;
      await terminateBackends(url);
      // The catch-up wake after reconnecting: a NOTIFY sent meanwhile was lost.
      await vi.waitFor(() => expect(wakes).toBeGreaterThan(before), { timeout: 15_000, interval: 50 });
      const afterReconnect = wakes;
      await notify(url, 'loss_test_channel');
      await vi.waitFor(() => expect(wakes).toBeGreaterThan(afterReconnect), { timeout: 5000, interval: 20 });
    } finally {
      await database.close();
    }
  });

  describe('through a TCP proxy', () => {
    let proxy: TcpProxy;
    let database: DatabaseConnection;
    let app: express.Express;

    beforeAll(async () => {
      const target = new URL(url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      database = await connectDatabase({ url: proxied.toString(), logger, poolSize: 3 });
      app = appOver(database);
    });
    afterAll(async () => {
      proxy?.restore();
      await database?.close();
      await proxy?.close();
    });

    it('when the network turns silent (black hole), then requests get 503 with Retry-After instead of hanging, and 200 once it is back', async () => {
      await request(app).get('/needs-db').expect(200);
      proxy.blackHole();
      try {
        // Idle pooled connections (their answers never come) and new ones (never finish connecting).
        for (let i = 0; i < 4; i++) {
          const res = await request(app).get('/needs-db');
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toMatch(/^\d+$/);
          expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
        }
      } finally {
        proxy.restore();
      }
      await vi.waitFor(() => request(app).get('/needs-db').expect(200), { timeout: 10_000, interval: 100 });
    });

    it('when connections are reset and refused, then requests get 503 with Retry-After, and 200 once the server is reachable again', async () => {
      await request(app).get('/needs-db').expect(200);
      proxy.cut();
      try {
        for (let i = 0; i < 3; i++) {
          const res = await request(app).get('/needs-db');
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toMatch(/^\d+$/);
        }
      } finally {
        proxy.restore();
      }
      await vi.waitFor(() => request(app).get('/needs-db').expect(200), { timeout: 10_000, interval: 100 });
    });

    it('when the LISTEN connection went silent, then it is replaced and NOTIFY is heard again', async () => {
      let wakes = 0;
      await database.forSchema('public').listen('loss_test_silent', () => void wakes++);
      await notify(url, 'loss_test_silent');
      await vi.waitFor(() => expect(wakes).toBeGreaterThanOrEqual(1), { timeout: 5000, interval: 20 });
      proxy.blackHole();
      // Long enough for the heartbeat to notice (5 s) and give up on its answer.
      await new Promise((r) => setTimeout(r, 8000));
      const before = wakes;
      proxy.restore();
      await vi.waitFor(() => expect(wakes).toBeGreaterThan(before), { timeout: 15_000, interval: 50 });
      const reconnected = wakes;
      await notify(url, 'loss_test_silent');
      await vi.waitFor(() => expect(wakes).toBeGreaterThan(reconnected), { timeout: 5000, interval: 20 });
    }, 40_000);
  });
});
