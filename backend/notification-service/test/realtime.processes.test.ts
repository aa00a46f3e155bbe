import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '@secureevent/shared';
import { testMode } from '@secureevent/shared/testing';
import { createSigner, messages, TestClient } from './realtime.support.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** A free loopback port (closed again at once; the process binds it a moment later). */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Two notification-service processes — `node dist/main.js`, as the distributed mode and Kubernetes
 * run them — over one database, one exchange and one Redis prefix of their own. Both consume the
 * same queues (competing consumers), so a message is handled by one of them; clients connected to
 * the other hear it only through the Redis fan-out. Needs the real servers (CI always has them)
 * and the built service (`npm install` builds it).
 */
describe.skipIf(testMode() !== 'external')('real-time across two notification-service processes', () => {
  const suffix = randomBytes(5).toString('hex');
  const exchange = `secureevent.test.proc.${suffix}`;
  const dbName = `secureevent_test_proc_${suffix}`;
  const baseDb = new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1/none');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'secureevent-procs-'));
  let signer: Awaited<ReturnType<typeof createSigner>>;
  let jwksServer: http.Server;
  const processes: { child: ChildProcess; url: string; output: string[] }[] = [];
  const clients: TestClient[] = [];

  async function publish(envelope: Envelope) {
    const conn = await amqp.connect(process.env.AMQP_URL!);
    try {
      const ch = await conn.createConfirmChannel();
      ch.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), { messageId: randomUUID(), persistent: true });
      await ch.waitForConfirms();
    } finally {
      await conn.close();
    }
  }

  async function start(jwksUrl: string) {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: Object.assign(new URL(baseDb), { pathname: `/${dbName}` }).toString(),
        AMQP_URL: process.env.AMQP_URL,
        REDIS_URL: process.env.REDIS_URL,
        AMQP_EXCHANGE: exchange,
        REDIS_KEY_PREFIX: `test-proc-${suffix}`,
        JWKS_URL: jwksUrl,
        LOG_LEVEL: 'warn',
        SECUREEVENT_REQUIRE_EXTERNAL: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    processes.push({ child, url: `ws://127.0.0.1:${port}/ws`, output });
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the process exited: ${output.join('')}`);
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(res.status).toBe(200);
      },
      { timeout: 30_000, interval: 200 },
    );
    return processes.at(-1)!;
  }

  beforeAll(async () => {
    signer = await createSigner();
    jwksServer = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(signer.jwks));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    const admin = new pg.Client({ connectionString: baseDb.toString() });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    // One after the other: the first creates the schema, the second finds it migrated.
    await start(jwksUrl);
    await start(jwksUrl);
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(
      processes.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await new Promise<void>((resolve) => jwksServer?.close(() => resolve()));
    // The processes' durable queues and the exchange are this run's own: remove them.
    const conn = await amqp.connect(process.env.AMQP_URL!);
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    for (const q of ['event-published', 'notify', 'realtime', 'users', 'reminders']) {
      for (const name of [`${exchange}.notification-service.${q}`, `${exchange}.notification-service.${q}.dlq`]) {
        await ch.deleteQueue(name).catch(() => undefined);
      }
    }
    await ch.deleteExchange(exchange).catch(() => undefined);
    await ch.deleteExchange(`${exchange}.dlx`).catch(() => undefined);
    await conn.close().catch(() => undefined);
    const admin = new pg.Client({ connectionString: baseDb.toString() });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const notificationIds = (c: TestClient) => c.frames.flatMap((f) => (f.type === 'notification' ? [f.notification.id] : []));

  it('when either process consumes a message, then clients connected to both processes receive it', async () => {
    const [first, second] = processes;
    const user = await signer.token({});
    const onFirst = await TestClient.open(first!.url);
    const onSecond = await TestClient.open(second!.url);
    clients.push(onFirst, onSecond);
    await onFirst.auth(user.token);
    await onSecond.auth(user.token);
    // Competing consumers: with several messages, both processes consume some; every one must
    // still reach both clients.
    for (let i = 1; i <= 6; i++) {
      const m = messages.rolesChanged(user.id);
      await publish(m);
      await vi.waitFor(() => expect([notificationIds(onFirst).length, notificationIds(onSecond).length]).toEqual([i, i]), {
        timeout: 15_000,
        interval: 50,
      });
    }
    expect(notificationIds(onFirst)).toEqual(notificationIds(onSecond));
  });

  it('when an availability change is consumed by either process, then the event room on both processes hears it', async () => {
    const [first, second] = processes;
    const published = messages.published({ visibility: 'public' });
    await publish(published);
    const room = `event:${published.data.eventId}`;
    const a = await TestClient.open(first!.url);
    const b = await TestClient.open(second!.url);
    clients.push(a, b);
    await vi.waitFor(async () => expect((await a.subscribe(room)).type).toBe('subscribed'), { timeout: 15_000, interval: 100 });
    await vi.waitFor(async () => expect((await b.subscribe(room)).type).toBe('subscribed'), { timeout: 15_000, interval: 100 });
    for (const confirmed of [3, 7]) {
      await publish(messages.availability(published.data.eventId, confirmed, new Date()));
      await vi.waitFor(
        () => {
          for (const c of [a, b]) {
            const last = c.frames.filter((f) => f.type === 'availability').at(-1);
            expect(last?.type === 'availability' ? last.availability.confirmed : undefined).toBe(confirmed);
          }
        },
        { timeout: 15_000, interval: 50 },
      );
    }
  });
});
