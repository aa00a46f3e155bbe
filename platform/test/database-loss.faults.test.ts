import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageType } from '@secureevent/contracts';
import { connectCache, connectDatabase, createOutbox, newId, type Cache, type DatabaseConnection } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, startTcpProxy, testMode, type TcpProxy, type TestEnv } from '@secureevent/shared/testing';
import { eventService as eventServiceFor } from '@secureevent/event-service';

const eventService = eventServiceFor({ ticketSecret: 'database-loss-ticket-secret-0123456789abcdef' });
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
/** The relay's fallback poll, set so long that only NOTIFY (and the catch-up after reconnecting) can publish. */
const NO_POLL = 3_600_000;

async function adminQuery<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return (await admin.query<R>(text)).rows;
  } finally {
    await admin.end();
  }
}

/** Every session of the service's database ends, the LISTEN connection included. */
const terminateBackends = (url: string) =>
  adminQuery(url, 'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');

const proxiedUrl = (url: string, proxy: TcpProxy) => {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
};

/**
 * The event-service over a PostgreSQL that goes away: its backends terminated, its TCP path
 * reset, or silently black-holed. The service must keep running, answer 503 with Retry-After
 * while the database is away, 2xx after, and publish every outbox row without waiting for a poll.
 */
describe.skipIf(testMode() !== 'external')('event-service when PostgreSQL goes away', () => {
  let env: TestEnv;
  let dbProxy: TcpProxy;
  let database: DatabaseConnection;
  let app: Express;
  let stop: () => Promise<void>;
  let organizer: string;

  const auth = () => ({ authorization: `Bearer ${organizer}` });
  const unpublished = async () =>
    Number((await adminQuery<{ n: string }>(env.databaseUrl!, 'select count(*) as n from events.outbox where published_at is null'))[0]?.n);
  const publishEvent = async (title: string) => {
    const created = await request(app)
      .post('/api/events')
      .set(auth())
      .send({ title, startsAt: future(5), endsAt: future(5.1), timeZone: 'UTC', venue: 'Hall', capacity: 10 })
      .expect(201);
    await request(app).post(`/api/events/${created.body.id}/publish`).set(auth()).expect(200);
    return created.body.id as string;
  };

  beforeAll(async () => {
    env = await createTestEnv();
    const target = new URL(env.databaseUrl!);
    dbProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    database = await connectDatabase({ url: proxiedUrl(env.databaseUrl!, dbProxy), logger: env.logger, poolSize: 4 });
    const started = await startServiceForTest(env, eventService, { database }, { relayPollIntervalMs: NO_POLL });
    app = started.app;
    stop = () => started.booted.stop();
    organizer = (await env.tokenFor({ roles: ['organizer'] })).token;
    await publishEvent('Warm-up');
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 10_000, interval: 100 });
  });
  afterAll(async () => {
    dbProxy?.restore();
    await stop?.();
    await database?.close();
    await dbProxy?.close();
    await env?.close();
  });

  it('when every backend is terminated (the LISTEN connection too), then the service answers 2xx after and NOTIFY wakes the relay again', async () => {
    await terminateBackends(env.databaseUrl!);
    await vi.waitFor(() => request(app).get('/api/events?limit=1').set(auth()).expect(200), { timeout: 10_000, interval: 100 });
    // Published once the listener is back (its catch-up pass or a NOTIFY): the poll never runs.
    await publishEvent('After the terminate');
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 15_000, interval: 100 });
    // With the listener certainly back, a new commit is published by its NOTIFY alone.
    await publishEvent('Woken by NOTIFY');
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 10_000, interval: 100 });
  });

  it('when the path is reset, then requests get 503 with Retry-After, and a row committed meanwhile is published after it is back without a poll', async () => {
    dbProxy.cut();
    try {
      const res = await request(app).get('/api/events?limit=1').set(auth());
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      // An invalid body is refused before any query: 400, database or not (never a 5xx).
      expect((await request(app).post('/api/events').set(auth()).send({ title: 'x' })).status).toBe(400);
      // Committed by another writer while the service's listener is gone: its NOTIFY reaches no one.
      const direct = env.database.forSchema('events');
      await direct.db.transaction().execute((trx) =>
        // Any valid message will do (the outbox checks it); enabling an unknown user changes nothing anywhere.
        createOutbox('events', '/secureevent/test').add(trx, {
          type: MessageType.UserEnabled,
          data: { userId: newId('usr'), enabledBy: newId('usr'), enabledAt: new Date().toISOString() },
        }),
      );
      expect(await unpublished()).toBe(1);
    } finally {
      dbProxy.restore();
    }
    await vi.waitFor(() => request(app).get('/api/events?limit=1').set(auth()).expect(200), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 20_000, interval: 100 });
  });

  it('when the path turns silent (black hole), then requests get 503 with Retry-After rather than hanging, 2xx once it is back, and every outbox drains', async () => {
    await request(app).get('/api/events?limit=1').set(auth()).expect(200);
    dbProxy.blackHole();
    try {
      for (const path of ['/api/events?limit=1', '/api/registrations/mine']) {
        const res = await request(app).get(path).set(auth());
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      }
      const write = await request(app)
        .post('/api/events')
        .set(auth())
        .send({ title: 'During the black hole', startsAt: future(5), endsAt: future(5.1), timeZone: 'UTC', venue: 'Hall', capacity: 10 });
      expect(write.status).toBe(503);
    } finally {
      dbProxy.restore();
    }
    await vi.waitFor(() => request(app).get('/api/events?limit=1').set(auth()).expect(200), { timeout: 15_000, interval: 100 });
    await publishEvent('After the black hole');
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 20_000, interval: 100 });
  });
});

/**
 * Readiness means "this pod can serve" (ADR 0016): without its database it cannot, so 503; the
 * broker and Redis only degrade it, so 200 with the degraded dependencies named.
 */
describe('event-service readiness when a dependency is lost', () => {
  let env: TestEnv;
  let app: Express;
  let stop: () => Promise<void>;
  let dbProxy: TcpProxy | undefined;
  let redisProxy: TcpProxy | undefined;
  let database: DatabaseConnection | undefined;
  let cache: Cache | undefined;
  let organizer: string;

  beforeAll(async () => {
    env = await createTestEnv();
    const overrides: { database?: DatabaseConnection; cache?: (prefix: string) => Promise<Cache> } = {};
    if (env.mode === 'external') {
      const db = new URL(env.databaseUrl!);
      dbProxy = await startTcpProxy({ host: db.hostname, port: Number(db.port || 5432) });
      database = await connectDatabase({ url: proxiedUrl(env.databaseUrl!, dbProxy), logger: env.logger, poolSize: 4 });
      const redis = new URL(env.redisUrl!);
      redisProxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
      const proxiedRedis = proxiedUrl(env.redisUrl!, redisProxy);
      overrides.database = database;
      overrides.cache = async (prefix) =>
        (cache = await connectCache({ url: proxiedRedis, prefix: `${env.keyPrefix}${prefix}`, logger: env.logger }));
    }
    const started = await startServiceForTest(env, eventService, overrides);
    app = started.app;
    stop = () => started.booted.stop();
    organizer = (await env.tokenFor({ roles: ['organizer'] })).token;
  });
  afterAll(async () => {
    dbProxy?.restore();
    redisProxy?.restore();
    await stop?.();
    await cache?.close();
    await database?.close();
    await dbProxy?.close();
    await redisProxy?.close();
    await env?.close();
  });

  const readyz = () => request(app).get('/readyz');
  const dependencyUp = async (dependency: string) => {
    const metrics = await request(app).get('/metrics').expect(200);
    const line = metrics.text
      .split('\n')
      .find((l) => l.startsWith(`secureevent_dependency_up{service="event-service",dependency="${dependency}"}`));
    return line?.split(' ').at(-1);
  };

  it('when the broker is cut, then /readyz stays 200 naming the broker degraded, the metric says 0, and writes still succeed', async () => {
    env.cutBroker();
    try {
      await vi.waitFor(
        async () => {
          const res = await readyz();
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ status: 'degraded', degraded: ['broker'], checks: { database: 'ok', broker: 'unavailable' } });
        },
        { timeout: 15_000, interval: 200 },
      );
      expect(await dependencyUp('broker')).toBe('0');
      await request(app)
        .post('/api/events')
        .set('authorization', `Bearer ${organizer}`)
        .send({ title: 'While the broker is away', startsAt: future(5), endsAt: future(5.1), timeZone: 'UTC', venue: 'Hall', capacity: 10 })
        .expect(201);
    } finally {
      env.restoreBroker();
    }
    await vi.waitFor(async () => expect((await readyz()).body.status).toBe('ready'), { timeout: 20_000, interval: 250 });
    expect(await dependencyUp('broker')).toBe('1');
  });

  it.skipIf(testMode() !== 'external')(
    'when Redis is cut, then /readyz stays 200 naming the cache degraded, and reads are still answered from the database',
    async () => {
      const created = await request(app)
        .post('/api/events')
        .set('authorization', `Bearer ${organizer}`)
        .send({ title: 'Cached', startsAt: future(5), endsAt: future(5.1), timeZone: 'UTC', venue: 'Hall', capacity: 10 })
        .expect(201);
      redisProxy!.cut();
      try {
        await vi.waitFor(
          async () => {
            const res = await readyz();
            expect(res.status).toBe(200);
            expect(res.body).toMatchObject({ status: 'degraded', degraded: ['cache'], checks: { cache: 'unavailable' } });
          },
          { timeout: 15_000, interval: 200 },
        );
        expect(await dependencyUp('cache')).toBe('0');
        await request(app).get(`/api/events/${created.body.id}`).set('authorization', `Bearer ${organizer}`).expect(200);
      } finally {
        redisProxy!.restore();
      }
      await vi.waitFor(async () => expect((await readyz()).body.status).toBe('ready'), { timeout: 20_000, interval: 250 });
    },
  );

  it.skipIf(testMode() !== 'external')(
    'when the database is cut, then /readyz answers 503 not ready, and 200 once it is back',
    async () => {
      dbProxy!.cut();
      try {
        const res = await readyz();
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ status: 'not ready', checks: { database: 'unavailable' } });
        expect(await dependencyUp('database')).toBe('0');
      } finally {
        dbProxy!.restore();
      }
      await vi.waitFor(async () => expect((await readyz()).status).toBe(200), { timeout: 15_000, interval: 200 });
    },
  );
});
