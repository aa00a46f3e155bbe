import { randomBytes, randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import pg from 'pg';
import type { Role } from '@secureevent/contracts';
import { connectCache } from '../cache/cache.js';
import { connectDatabase, type DatabaseConnection } from '../db/database.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createAmqpTransport } from '../messaging/amqp-transport.js';
import type { Envelope } from '../messaging/envelope.js';
import { createInProcessTransport } from '../messaging/in-process-transport.js';
import type { Transport } from '../messaging/transport.js';
import { ACCESS_TOKEN_ALG, createTokenVerifier } from '../auth/token-verifier.js';
import { newId } from '../ids/ids.js';
import type { Adapters, BootOptions } from '../service/boot.js';
import type { ServiceDefinition } from '../service/service-module.js';
import { startTcpProxy } from './tcp-proxy.js';

/** Which adapters the environment selects: real servers when all three URLs are set. */
export function testMode(env: Record<string, string | undefined> = process.env): 'external' | 'embedded' {
  const urls = [env.DATABASE_URL, env.AMQP_URL, env.REDIS_URL];
  if (urls.every(Boolean)) return 'external';
  const required = env.SECUREEVENT_REQUIRE_EXTERNAL === '1' || env.SECUREEVENT_REQUIRE_EXTERNAL === 'true';
  if (required) throw new Error('SECUREEVENT_REQUIRE_EXTERNAL is set but DATABASE_URL, AMQP_URL or REDIS_URL is missing');
  return 'embedded';
}

/** A test's isolated adapters, a token signer, and switches to cut the broker. */
export interface TestEnv {
  mode: 'external' | 'embedded';
  adapters: Adapters;
  logger: Logger;
  database: DatabaseConnection;
  transport: Transport;
  /** The URL of this file's own PostgreSQL database (external mode only), e.g. to reach it through a proxy. */
  databaseUrl?: string;
  /** The Redis URL (external mode only); keys must start with `keyPrefix`. */
  redisUrl?: string;
  /** The Redis key prefix of this file (every cache made from `adapters.cache` is below it). */
  keyPrefix: string;
  /** Signs an access token exactly as the user-service would. */
  tokenFor(user: { id?: string; roles: Role[]; emailVerified?: boolean }): Promise<{ id: string; token: string }>;
  /** Makes the broker unreachable until `restoreBroker`. */
  cutBroker(): void;
  restoreBroker(): void;
  /** Messages in the dead-letter queue of `queue` (the consumer's queue name without prefix). */
  deadLetterCount(queue: string): Promise<number>;
  /** Publishes raw bytes to the exchange, bypassing every check (malformed-message tests). */
  publishRaw(routingKey: string, body: Buffer | Envelope): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds isolated adapters for one test file: its own database (PostgreSQL) or PGlite instance,
 * its own exchange and queues, its own Redis key prefix. Real servers when the URLs are set.
 */
export async function createTestEnv(options: { issuer?: string; audience?: string } = {}): Promise<TestEnv> {
  const mode = testMode();
  const logger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const suffix = randomBytes(6).toString('hex');
  const cleanups: (() => Promise<void>)[] = [];

  let database: DatabaseConnection;
  let databaseUrl: string | undefined;
  if (mode === 'external') {
    const base = new URL(process.env.DATABASE_URL!);
    const dbName = `secureevent_test_${suffix}`;
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
    database = await connectDatabase({ url: url.toString(), logger, poolSize: 5 });
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    });
  } else {
    database = await connectDatabase({ dataDir: 'memory://', logger });
  }

  let transport: Transport;
  let cutBroker: () => void;
  let restoreBroker: () => void;
  let publishRaw: TestEnv['publishRaw'];
  let deadLetterCount: TestEnv['deadLetterCount'];
  if (mode === 'external') {
    const amqpUrl = new URL(process.env.AMQP_URL!);
    const proxy = await startTcpProxy({ host: amqpUrl.hostname, port: Number(amqpUrl.port || 5672) });
    const proxied = new URL(amqpUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const exchange = `secureevent.test.${suffix}`;
    transport = createAmqpTransport({ url: proxied.toString(), logger, exchange, deleteOnClose: true });
    await transport.ping();
    cutBroker = () => proxy.cut();
    restoreBroker = () => proxy.restore();
    publishRaw = async (routingKey, body) => {
      const amqp = await import('amqplib');
      const conn = await amqp.connect(amqpUrl.toString());
      const ch = await conn.createConfirmChannel();
      const content = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      ch.publish(exchange, routingKey, content, { messageId: randomUUID() });
      await ch.waitForConfirms();
      await conn.close();
    };
    deadLetterCount = async (queue) => {
      const amqp = await import('amqplib');
      const conn = await amqp.connect(amqpUrl.toString());
      try {
        const ch = await conn.createChannel();
        const q = await ch.checkQueue(`${exchange}.${queue}.dlq`);
        return q.messageCount;
      } finally {
        await conn.close();
      }
    };
    cleanups.push(() => proxy.close());
  } else {
    const inner = createInProcessTransport(logger);
    let down = false;
    transport = {
      kind: inner.kind,
      subscribe: (s) => inner.subscribe(s),
      close: () => inner.close(),
      async publish(envelope) {
        if (down) throw new Error('broker unreachable (test)');
        return inner.publish(envelope);
      },
      async ping() {
        if (down) throw new Error('broker unreachable (test)');
      },
    };
    cutBroker = () => (down = true);
    restoreBroker = () => (down = false);
    publishRaw = (routingKey, body) => inner.publishRaw(routingKey, Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)));
    deadLetterCount = async (queue) => inner.deadLetters.filter((d) => d.queue === `${queue}.dlq`).length;
  }

  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const kid = `test-${suffix}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  const issuer = options.issuer ?? 'secureevent';
  const audience = options.audience ?? 'secureevent-api';
  const verifier = createTokenVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer, audience });

  const redisUrl = mode === 'external' ? process.env.REDIS_URL : undefined;
  const caches: { close(): Promise<void> }[] = [];
  const adapters: Adapters = {
    database,
    transport,
    logger,
    verifier,
    cache: async (prefix) => {
      const c = await connectCache({ url: redisUrl, prefix: `test:${suffix}:${prefix}`, logger });
      caches.push(c);
      return c;
    },
  };

  return {
    mode,
    adapters,
    logger,
    database,
    transport,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    keyPrefix: `test:${suffix}:`,
    async tokenFor(user) {
      const id = user.id ?? newId('usr');
      const token = await new SignJWT({
        roles: user.roles,
        ...(user.emailVerified !== undefined ? { email_verified: user.emailVerified } : {}),
      })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid })
        .setSubject(id)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime('5m')
        .sign(privateKey);
      return { id, token };
    },
    cutBroker,
    restoreBroker,
    publishRaw,
    deadLetterCount,
    async close() {
      await transport.close().catch(() => undefined);
      for (const c of caches) await c.close().catch(() => undefined);
      await database.close().catch(() => undefined);
      for (const fn of cleanups) await fn().catch(() => undefined);
    },
  };
}

/**
 * Boots one service over a test env and wraps it in the shared HTTP app, for Supertest. The app
 * trusts X-Forwarded-For from loopback, as a service behind nginx on the same host does.
 */
export async function startServiceForTest<DB>(
  env: TestEnv,
  definition: ServiceDefinition<DB>,
  overrides: Partial<Adapters> = {},
  options: BootOptions = {},
) {
  const { bootService } = await import('../service/boot.js');
  const { createHttpApp } = await import('../http/create-app.js');
  const { standardReadiness } = await import('../service/readiness.js');
  const adapters = { ...env.adapters, ...overrides };
  const booted = await bootService(definition, adapters, options);
  const app = createHttpApp({
    service: definition.name,
    logger: env.logger,
    trustProxy: 'loopback',
    routers: [booted.router],
    readiness: standardReadiness({
      database: adapters.database,
      schema: definition.schema,
      transport: adapters.transport,
      cache: booted.cache,
    }),
  });
  return { app, booted, sdb: adapters.database.forSchema<DB>(definition.schema) };
}
