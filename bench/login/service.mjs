// Starts the built user-service as its own process (distributed-mode entry point), embedded
// (PGlite + in-memory cache + in-process messages) or against the local servers (--real), and
// sets up / tears down everything a --real run creates: a database, a RabbitMQ vhost, Redis keys.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from './load.mjs';
import { isolatedDatabase, isolatedVhost } from '../lib-isolation.mjs';

const run = promisify(execFile);

export const REPO = path.resolve(import.meta.dirname, '../..');
const SERVICE_DIR = path.join(REPO, 'backend/user-service');
const MAIN = path.join(SERVICE_DIR, 'dist/main.js');

/** A free loopback port (bound, read, released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Sources of the user-service and the packages it imports that changed after their last build
 * (dist/.tsbuildinfo; tsc does not rewrite outputs whose content is unchanged, so output mtimes
 * are no guide): a hint that `npm run build:backend` is due (never built here: others may be mid-edit).
 */
export function staleSources() {
  const stale = [];
  for (const pkg of ['backend/user-service', 'backend/shared', 'backend/contracts']) {
    const src = path.join(REPO, pkg, 'src');
    const info = path.join(REPO, pkg, 'dist/.tsbuildinfo');
    const builtAt = existsSync(info) ? statSync(info).mtimeMs : 0;
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && statSync(file).mtimeMs > builtAt) {
          stale.push(path.relative(REPO, file));
        }
      }
    };
    if (existsSync(src)) walk(src);
  }
  return stale;
}

/** The local servers for --real, each created for this run and removed afterwards. */
export async function prepareRealInfra(runId, addressPrefix, notes) {
  const env = {};
  const cleanups = [];

  // PostgreSQL (trust auth) and RabbitMQ: a database and a vhost of this run's own.
  const db = await isolatedDatabase('bench_login', runId);
  const dbName = db.name;
  env.DATABASE_URL = db.url;
  cleanups.push(db.cleanup);
  const amqp = await isolatedVhost('bench-login', runId, notes);
  if (amqp.url) env.AMQP_URL = amqp.url;
  cleanups.push(amqp.cleanup);

  // Redis: the service's own key prefix; the keys this run leaves (sign-up counters of its
  // X-Forwarded-For addresses) are deleted at the end.
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  env.REDIS_URL = redisUrl;
  cleanups.push(async () => {
    const Redis = (await import('ioredis')).default;
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `secureevent:user-service:rl:*${addressPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  notes.push(`PostgreSQL: database ${dbName} (created and dropped by the bench); Redis: ${redisUrl}`);

  return {
    env,
    async teardown() {
      for (const c of cleanups.reverse()) {
        try {
          await c();
        } catch (err) {
          process.stderr.write(`cleanup failed: ${err.message}\n`);
        }
      }
    },
  };
}

/**
 * Spawns `node <main>` on a free loopback port with `env` (plus PORT, HOST, a temporary
 * DATA_DIR), waits until GET `readyPath` answers 200, returns { port, pid, stop, output }.
 */
export async function spawnNode({ name, main, env = {}, readyPath, readyTimeoutMs = 45_000, nodeArgs = [], tmpPrefix = 'bench-' }) {
  if (!existsSync(main)) throw new Error(`${path.relative(REPO, main)} is missing: run npm run build:backend first`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const output = { lines: 0, tail: [], levels: {} };
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.lines++;
      output.tail.push(line.slice(0, 400));
      if (output.tail.length > 20) output.tail.shift();
      try {
        const level = JSON.parse(line).level;
        output.levels[level] = (output.levels[level] ?? 0) + 1;
      } catch {
        output.levels.text = (output.levels.text ?? 0) + 1;
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = false;
  const exitPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => !exited && child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${name} exited during start-up:\n${output.tail.join('\n')}`);
    }
    try {
      const res = await request({ port, path: readyPath });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready after ${readyTimeoutMs / 1000} s:\n${output.tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, pid: child.pid, stop, output, child };
}

/** Spawns the user-service and waits for /readyz; returns { port, pid, stop, output }. */
export async function startService({ extraEnv, adminEmail, adminPassword }) {
  return spawnNode({
    name: 'user-service',
    main: MAIN,
    readyPath: '/readyz',
    tmpPrefix: 'bench-login-',
    env: { LOG_LEVEL: 'warn', ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword, ...extraEnv },
  });
}

/**
 * Reads the service's own Prometheus metrics. Scraping also resets prom-client's event-loop
 * delay histogram, so a scrape before and after a phase gives that phase's server-side lag.
 */
export async function scrapeMetrics(port) {
  const res = await request({ port, path: '/metrics', headers: { accept: 'text/plain' } });
  const value = (name) => {
    const m = res.body.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm'));
    return m ? Number(m[1]) : NaN;
  };
  return {
    cpuSeconds: value('process_cpu_seconds_total'),
    loopP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    loopMaxMs: value('nodejs_eventloop_lag_max_seconds') * 1000,
    rssMb: value('process_resident_memory_bytes') / 2 ** 20,
    // The event-service's group commits (registrations per transaction); NaN elsewhere.
    batchSum: value('secureevent_registration_batch_size_sum'),
    batchCount: value('secureevent_registration_batch_size_count'),
  };
}

/** A short id for names this run creates (database, vhost, addresses). */
export const newRunId = () => randomBytes(4).toString('hex');

/**
 * Client addresses sent as X-Forwarded-For (trusted from loopback): IPv6 documentation prefix
 * 2001:db8::/32 with the run id, so that the per-IP sign-up limit (20/h) and the Redis counters
 * are this run's own and can be found again for cleanup.
 */
export const addressPrefixOf = (runId) => `2001:db8:${runId.slice(0, 4)}:${runId.slice(4, 8)}::`;
