// What the registration-rush benchmark sets up around the event-service, and removes afterwards:
// a PostgreSQL database and a RabbitMQ vhost of its own, the Redis keys it caused, a tiny JWKS
// server with an Ed25519 key made for the run (access tokens are signed here, not by a
// user-service), and the spawned service processes. The load generator, free-port helper and
// metrics scraper are the login benchmark's (bench/login), imported, not copied.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { request } from '../login/load.mjs';
import { freePort, REPO, spawnNode } from '../login/service.mjs';

export { spawnNode };
import { isolatedDatabase, isolatedVhost } from '../lib-isolation.mjs';

const run = promisify(execFile);

export const EVENT_SERVICE_MAIN = path.join(REPO, 'backend/event-service/dist/main.js');

/** A user id as the user-service makes them: `usr_` + 25 characters [0-9a-z] (128 random bits). */
export function newUserId(prefix = 'usr') {
  let n = BigInt(`0x${randomBytes(16).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 25; i++) {
    out = '0123456789abcdefghijklmnopqrstuvwxyz'[Number(n % 36n)] + out;
    n /= 36n;
  }
  return `${prefix}_${out}`;
}

/**
 * Sources of the event-service and the packages it imports that changed after their last build
 * (dist/.tsbuildinfo). Same rule as bench/login: warn, never build from here.
 */
export function staleSources() {
  const stale = [];
  for (const pkg of ['backend/event-service', 'backend/shared', 'backend/contracts']) {
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

/**
 * A database `bench_rush_<id>` and a RabbitMQ vhost `bench-rush-<id>` for this run; Redis db 0
 * under the service's own prefix. `teardown()` drops / deletes them and the cached event keys.
 */
export async function prepareInfra(runId, notes) {
  const env = {};
  const cleanups = [];
  const eventIds = new Set();

  // PostgreSQL (trust auth) and RabbitMQ: a database and a vhost of this run's own.
  const db = await isolatedDatabase('bench_rush', runId);
  const dbName = db.name;
  env.DATABASE_URL = db.url;
  cleanups.push(db.cleanup);
  const amqp = await isolatedVhost('bench-rush', runId, notes);
  if (amqp.url) env.AMQP_URL = amqp.url;
  cleanups.push(amqp.cleanup);

  // Redis: the event-service caches public events under secureevent:event-service:event:<id>
  // (30 s TTL); the keys of this run's events are deleted at the end.
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  env.REDIS_URL = redisUrl;
  cleanups.push(async () => {
    if (eventIds.size === 0) return;
    const Redis = (await import('ioredis')).default;
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    try {
      await redis.del(...[...eventIds].map((id) => `secureevent:event-service:event:${id}`));
    } finally {
      redis.disconnect();
    }
  });
  notes.push(`PostgreSQL: database ${dbName} (created and dropped by the bench); Redis: ${redisUrl}`);

  return {
    env,
    dbUrl: env.DATABASE_URL,
    dbName,
    /** Every event id the run creates, for the Redis cleanup. */
    eventIds,
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
 * A JWKS on a loopback port with one Ed25519 key made for this run, and a signer for access
 * tokens exactly as the user-service issues them (EdDSA, kid, iss, aud, sub, roles, iat, exp, jti).
 */
export async function startJwks() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `bench-${randomBytes(4).toString('hex')}`;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] });
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/jwks.json' ? jwks : '{}');
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const sign = (sub, roles) =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(sub)
      .setIssuer('secureevent')
      .setAudience('secureevent-api')
      .setIssuedAt()
      .setExpirationTime('30m')
      .setJti(randomUUID())
      .sign(privateKey);
  /** n tokens of distinct new users (WebCrypto signs on the thread pool: batches overlap). */
  const signMany = async (n, roles = ['attendee']) => {
    const out = [];
    for (let i = 0; i < n; i += 512) {
      out.push(...(await Promise.all(Array.from({ length: Math.min(512, n - i) }, () => sign(newUserId(), roles)))));
    }
    return out;
  };
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    sign,
    signMany,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Busy and total jiffies of all CPUs (Linux /proc/stat). */
export async function machineCpu() {
  try {
    const { readFile } = await import('node:fs/promises');
    const [, ...fields] = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3] + (n[4] ?? 0);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}
