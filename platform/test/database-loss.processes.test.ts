import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTcpProxy, testMode, type TcpProxy } from '@secureevent/shared/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SERVICES = ['user-service', 'event-service', 'notification-service', 'audit-service'] as const;
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function admin(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

interface Running {
  name: string;
  child: ChildProcess;
  port: number;
  output: string[];
}

/**
 * The four built services as real processes (`node backend/<service>/dist/main.js`, as the
 * distributed mode and Kubernetes run them) over one PostgreSQL database reached through a TCP
 * proxy, a RabbitMQ vhost and a Redis prefix of their own. Every backend is terminated, then the
 * path is cut and restored: every process must still be running and ready afterwards. Needs the
 * real servers, `rabbitmqctl` (for the vhost) and the built services (`npm run build:backend`).
 */
describe.skipIf(testMode() !== 'external')('four service processes when PostgreSQL goes away', () => {
  const suffix = randomBytes(5).toString('hex');
  const dbName = `secureevent_test_loss_${suffix}`;
  const vhost = `secureevent-test-loss-${suffix}`;
  const baseDb = new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1/none');
  const directUrl = Object.assign(new URL(baseDb), { pathname: `/${dbName}` }).toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'secureevent-loss-'));
  let proxy: TcpProxy;
  const processes: Running[] = [];

  const readyz = async (p: Running) => {
    try {
      const res = await fetch(`http://127.0.0.1:${p.port}/readyz`, { signal: AbortSignal.timeout(3000) });
      return res.status;
    } catch {
      return 0;
    }
  };
  const allAlive = () => processes.map((p) => [p.name, p.child.exitCode ?? p.child.signalCode ?? 'running']);
  const expectAllAlive = () => expect(allAlive()).toEqual(SERVICES.map((s) => [s, 'running']));

  beforeAll(async () => {
    await admin(baseDb.toString(), `create database ${dbName}`);
    await run('rabbitmqctl', ['-q', 'add_vhost', vhost]);
    await run('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    const amqp = new URL(process.env.AMQP_URL!);
    amqp.pathname = `/${encodeURIComponent(vhost)}`;
    const target = new URL(directUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(directUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);

    const ports = await Promise.all(SERVICES.map(() => freePort()));
    const userPort = ports[0]!;
    SERVICES.forEach((name, i) => {
      const port = ports[i]!;
      const output: string[] = [];
      const child = spawn(process.execPath, [path.join(root, 'backend', name, 'dist/main.js')], {
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: path.join(dataDir, name),
          DATABASE_URL: proxied.toString(),
          AMQP_URL: amqp.toString(),
          REDIS_URL: process.env.REDIS_URL,
          REDIS_KEY_PREFIX: `test-loss-${suffix}`,
          JWKS_URL: `http://127.0.0.1:${userPort}/api/auth/.well-known/jwks.json`,
          LOG_LEVEL: 'warn',
          SECUREEVENT_REQUIRE_EXTERNAL: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
      processes.push({ name, child, port, output });
    });
    await vi.waitFor(
      async () => {
        for (const p of processes) {
          if (p.child.exitCode !== null) throw new Error(`${p.name} exited: ${p.output.join('').slice(-2000)}`);
          expect(await readyz(p), p.name).toBe(200);
        }
      },
      { timeout: 60_000, interval: 250 },
    );
  }, 90_000);

  afterAll(async () => {
    proxy?.restore();
    await Promise.all(
      processes.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await proxy?.close();
    await run('rabbitmqctl', ['-q', 'delete_vhost', vhost]).catch(() => undefined);
    await admin(baseDb.toString(), `drop database if exists ${dbName} with (force)`).catch(() => undefined);
    const redis = await import('ioredis');
    const client = new redis.Redis(process.env.REDIS_URL!);
    const keys = await client.keys(`test-loss-${suffix}:*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when every backend is terminated and then the path is cut and restored, then all four processes keep running and are ready again', async () => {
    const terminated = await admin(
      directUrl,
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    // Each service's pool and its LISTEN connection.
    expect(terminated.length).toBeGreaterThanOrEqual(SERVICES.length);
    await vi.waitFor(
      async () => {
        for (const p of processes) expect(await readyz(p), p.name).toBe(200);
      },
      { timeout: 20_000, interval: 250 },
    );
    expectAllAlive();

    proxy.cut();
    try {
      await vi.waitFor(
        async () => {
          for (const p of processes) expect(await readyz(p), p.name).toBe(503);
        },
        { timeout: 15_000, interval: 250 },
      );
      expectAllAlive();
    } finally {
      proxy.restore();
    }
    await vi.waitFor(
      async () => {
        for (const p of processes) expect(await readyz(p), p.name).toBe(200);
      },
      { timeout: 30_000, interval: 250 },
    );
    expectAllAlive();
    // And they serve: a sign-up through the user-service commits.
    const res = await fetch(`http://127.0.0.1:${processes[0]!.port}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `loss.${suffix}@example.com`, password: 'a long user password', displayName: 'After the outage' }),
    });
    expect(res.status).toBe(201);
  }, 90_000);
});
