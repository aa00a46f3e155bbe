#!/usr/bin/env node
// Real-time benchmark: one notification-service process, N WebSocket clients watching one event,
// availability changes made by real registrations. Real PostgreSQL, RabbitMQ and Redis.
//   1  spawns the event-service and the notification-service (built dist/main.js) on a database
//      and a RabbitMQ vhost of the run's own, with a JWKS made for the run;
//   2  creates and publishes a public event; N anonymous clients connect to /ws and subscribe to it;
//      the service's heap and RSS (after a forced GC, through the inspector) before and after give
//      the memory per connection;
//   3  K registrations, one at a time, each POST /api/events/:id/registrations → commit (with the
//      outbox row) → relay → RabbitMQ → realtime consumer → coalescer → every client: latency from
//      the message's `at` (stamped inside the committing transaction) to the moment the LAST client
//      has the new count, p50/p99; spaced further apart than the 250 ms coalescing interval so that
//      each change is pushed on its own;
//   4  baseline in the same run: a bare `ws` server in its own process (bare-server.mjs), the same N
//      clients, the same payload broadcast K times; latency from the send order to the last client,
//      and its memory per connection;
//   5  prints the report (markdown on stdout, progress on stderr), stops everything, drops the
//      database, deletes the vhost and the Redis keys it caused.
//
//   node bench/realtime/run.mjs                          # 10,000 clients, 100 changes
//   node bench/realtime/run.mjs --clients 2000 --changes 20
//   node bench/realtime/run.mjs > bench/results/realtime-$(date +%F).md
//
// Each client is a socket in this process and one in the server: with N above the open-files limit
// the script re-runs itself under `ulimit -n` raised to the hard limit.
import { fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { keepAliveAgent, percentile, request } from '../login/load.mjs';
import { newRunId, REPO, scrapeMetrics } from '../login/service.mjs';
import { isolatedDatabase, isolatedVhost } from '../lib-isolation.mjs';
import { EVENT_SERVICE_MAIN, newUserId, spawnNode, startJwks } from '../registration-rush/infra.mjs';
import { runLifecycle } from '../lib-lifecycle.mjs';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    changes: { type: 'string', default: '100' },
    gap: { type: 'string', default: '400' },
    'connect-batch': { type: 'string', default: '500' },
  },
});
const clients = Number(args.clients);
const changes = Number(args.changes);
const gapMs = Number(args.gap);
const connectBatch = Number(args['connect-batch']);
const TARGET = { clients: 10_000, p99Ms: 250, bytesPerConnection: 10 * 1024 };
const NOTIFICATION_SERVICE_MAIN = path.join(REPO, 'backend/notification-service/dist/main.js');

const out = (line = '') => process.stdout.write(`${line}\n`);
const log = (line) => process.stderr.write(`[bench realtime] ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const x = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

// ---- open files: N client sockets here, N in the service ---------------------------------------
const limits = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m);
const soft = limits?.[1] === 'unlimited' ? Infinity : Number(limits?.[1] ?? 1024);
const hard = limits?.[2] === 'unlimited' ? 1_048_576 : Number(limits?.[2] ?? 1024);
const needed = clients + 4096;
if (soft < needed && !process.env.BENCH_REALTIME_ULIMIT) {
  if (hard < needed) log(`warning: the hard open-files limit (${hard}) is below ${needed}; connections may fail`);
  const raised = Math.min(hard, Math.max(needed, 65_536));
  log(`raising the open-files limit from ${soft} to ${raised} and re-running`);
  const script = fileURLToPath(import.meta.url);
  const argv = process.argv.slice(2).map((a) => `'${a.replace(/'/g, "'\\''")}'`);
  const r = spawnSync('sh', ['-c', `ulimit -n ${raised} && exec "${process.execPath}" "${script}" ${argv.join(' ')}`], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_REALTIME_ULIMIT: '1' },
  });
  process.exit(r.status ?? 1);
}

// ---- cleanup and a hard time limit -------------------------------------------------------------
const hardLimitMs = 240_000 + clients * 20;
const { cleanups, cleanup } = runLifecycle({ hardLimitMs, log });

/** Sources changed after their last build (same rule as the other benches: warn, never build). */
function staleSources() {
  const stale = [];
  for (const pkg of ['backend/notification-service', 'backend/event-service', 'backend/shared', 'backend/contracts']) {
    const info = path.join(REPO, pkg, 'dist/.tsbuildinfo');
    const builtAt = existsSync(info) ? statSync(info).mtimeMs : 0;
    const walk = (dir) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, e.name);
        if (e.isDirectory()) walk(file);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && statSync(file).mtimeMs > builtAt)
          stale.push(path.relative(REPO, file));
      }
    };
    walk(path.join(REPO, pkg, 'src'));
  }
  return stale;
}

/** Forced GC and memoryUsage() of a process started with --inspect, through the DevTools protocol. */
async function inspectorMemory(output) {
  const line = output.tail.find((l) => l.includes('Debugger listening on ws://')) ?? output.first?.find((l) => l.includes('ws://'));
  const url = line?.match(/ws:\/\/\S+/)?.[0];
  if (!url) throw new Error('no inspector URL in the service output');
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const my = ++id;
      const on = (data) => {
        const msg = JSON.parse(String(data));
        if (msg.id === my) {
          ws.off('message', on);
          resolve(msg.result);
        }
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ id: my, method, params }));
    });
  for (let i = 0; i < 3; i++) await call('HeapProfiler.collectGarbage');
  const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
  ws.close();
  const m = JSON.parse(r.result.value);
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/**
 * N clients and a round tracker: `round(confirmed)` resolves with the time the last client got a
 * frame with at least that count. One closure per socket and one number of state per client.
 */
const countPattern = /"confirmed":(\d+)/;

function clientPool() {
  const sockets = [];
  let clientNo = 0;
  let target = Infinity;
  let reached = 0;
  let firstAt = 0;
  let resolveRound;
  let lastPayload;
  const onCount = (ws, count, raw) => {
    if (count >= target && ws.seen < target) {
      ws.seen = target;
      lastPayload = raw;
      if (reached === 0) firstAt = now();
      if (++reached === sockets.length) resolveRound({ firstAt, allAt: now() });
    }
  };
  return {
    sockets,
    get lastPayload() {
      return lastPayload;
    },
    async connect(url, n, onOpen) {
      for (let i = 0; i < n; i += connectBatch) {
        await Promise.all(
          Array.from(
            { length: Math.min(connectBatch, n - i) },
            () =>
              new Promise((resolve, reject) => {
                // As behind the gateway: each client has its own address (X-Forwarded-For, trusted from
                // loopback), or the service's per-address limit would refuse a whole office's worth.
                const client = clientNo++;
                const headers = { 'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` };
                const ws = new WebSocket(url, { perMessageDeflate: false, headers });
                ws.seen = 0;
                ws.once('error', reject);
                ws.on('message', (data) => {
                  // 10,000 clients share this process's CPU with the servers: read the count with a
                  // regular expression instead of parsing every frame (service and baseline alike).
                  const raw = String(data);
                  const count = countPattern.exec(raw);
                  if (count) return onCount(ws, Number(count[1]), raw);
                  const frame = JSON.parse(raw);
                  if (frame.type === 'subscribed') resolve();
                  else if (frame.type === 'error') reject(new Error(`${frame.code}: ${frame.message}`));
                });
                ws.once('open', () => (onOpen ? onOpen(ws) : resolve()));
                sockets.push(ws);
              }),
          ),
        );
        if ((i / connectBatch) % 4 === 3) log(`  ${sockets.length} connected`);
      }
    },
    round(confirmed) {
      target = confirmed;
      reached = 0;
      return new Promise((resolve) => (resolveRound = resolve));
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      sockets.length = 0;
      await sleep(1000);
    },
  };
}

const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms).unref())]);

// ---- the run ---------------------------------------------------------------------------------------
const runId = newRunId();
const notes = [];
try {
  const stale = staleSources();
  if (stale.length) log(`warning: sources newer than their build (run npm run build:backend): ${stale.slice(0, 5).join(', ')}`);
  const db = await isolatedDatabase('bench_rt', runId);
  cleanups.push(db.cleanup);
  const amqp = await isolatedVhost('bench-rt', runId, notes);
  cleanups.push(amqp.cleanup);
  if (!amqp.url) throw new Error('RabbitMQ is needed (rabbitmqctl failed)');
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  notes.push(`PostgreSQL: database ${db.name} (created and dropped by the bench); Redis: ${redisUrl}`);
  const jwks = await startJwks();
  cleanups.push(() => jwks.close());
  const infraEnv = {
    DATABASE_URL: db.url,
    AMQP_URL: amqp.url,
    REDIS_URL: redisUrl,
    JWKS_URL: jwks.url,
    LOG_LEVEL: 'warn',
    SECUREEVENT_REQUIRE_EXTERNAL: '1',
  };

  log('starting the notification-service and the event-service');
  const notification = await spawnNode({
    name: 'notification-service',
    main: NOTIFICATION_SERVICE_MAIN,
    readyPath: '/readyz',
    tmpPrefix: 'bench-rt-',
    nodeArgs: ['--inspect=127.0.0.1:0'],
    env: infraEnv,
  });
  cleanups.push(() => notification.stop());
  const events = await spawnNode({
    name: 'event-service',
    main: EVENT_SERVICE_MAIN,
    readyPath: '/readyz',
    tmpPrefix: 'bench-rt-',
    env: { ...infraEnv, TICKET_SECRET: randomBytes(32).toString('base64url') },
  });
  cleanups.push(() => events.stop());

  // The event, and the tokens of the people who register.
  const organizer = await jwks.sign(newUserId(), ['organizer']);
  const attendees = await jwks.signMany(changes + 1);
  const agent = keepAliveAgent(2);
  const startsAt = new Date(Date.now() + 30 * 86_400_000);
  const created = await request({
    port: events.port,
    agent,
    method: 'POST',
    path: '/api/events',
    headers: { authorization: `Bearer ${organizer}` },
    body: {
      title: `Bench realtime ${runId}`,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      timeZone: 'UTC',
      venue: 'Bench hall',
      capacity: 1_000_000,
    },
  });
  if (created.status !== 201) throw new Error(`POST /api/events: ${created.status} ${created.body}`);
  const eventId = JSON.parse(created.body).id;
  cleanups.push(async () => {
    const Redis = (await import('ioredis')).default;
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    await redis.del(`secureevent:event-service:event:${eventId}`).finally(() => redis.disconnect());
  });
  const published = await request({
    port: events.port,
    agent,
    method: 'POST',
    path: `/api/events/${eventId}/publish`,
    headers: { authorization: `Bearer ${organizer}` },
  });
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${published.body}`);
  const room = `event:${eventId}`;
  const wsUrl = `ws://127.0.0.1:${notification.port}/ws`;
  const subscribe = (ws) => ws.send(JSON.stringify({ type: 'subscribe', room }));

  // The notification-service learns of the event from event.published.v1.
  for (let tries = 0; ; tries++) {
    const probe = clientPool();
    try {
      await probe.connect(wsUrl, 1, subscribe);
      await probe.close();
      break;
    } catch (err) {
      await probe.close();
      if (tries > 100) throw err;
      await sleep(100);
    }
  }

  // ---- memory and latency of the service -------------------------------------------------------
  log(`service: connecting ${int(clients)} clients to ${room}`);
  const memBefore = await inspectorMemory(notification.output);
  const pool = clientPool();
  const connectStart = now();
  await pool.connect(wsUrl, clients, subscribe);
  const connectS = (now() - connectStart) / 1000;
  await sleep(2000);
  const memAfter = await inspectorMemory(notification.output);
  const metricsBefore = await scrapeMetrics(notification.port);

  const register = async (token) => {
    const res = await request({
      port: events.port,
      agent,
      method: 'POST',
      path: `/api/events/${eventId}/registrations`,
      headers: { authorization: `Bearer ${token}` },
      body: '{}',
    });
    if (res.status !== 201) throw new Error(`registration: ${res.status} ${res.body}`);
    return now();
  };
  // Warm-up: one change through every layer.
  const warm = pool.round(1);
  await register(attendees[0]);
  await withTimeout(warm, 30_000, 'warm-up push');

  log(`service: ${changes} registrations, ${gapMs} ms apart`);
  const fromCommit = [];
  const fromResponse = [];
  const toFirst = [];
  for (let k = 1; k <= changes; k++) {
    await sleep(gapMs);
    const round = pool.round(k + 1);
    const answeredAt = await register(attendees[k]);
    const { firstAt, allAt } = await withTimeout(round, 30_000, `push of change ${k}`);
    const at = Date.parse(JSON.parse(pool.lastPayload).at);
    fromCommit.push(allAt - at);
    fromResponse.push(allAt - answeredAt);
    toFirst.push(firstAt - at);
  }
  const payload = pool.lastPayload;
  const metricsAfter = await scrapeMetrics(notification.port);
  const pushedRes = await request({ port: notification.port, path: '/metrics', headers: { accept: 'text/plain' } });
  const pushed = Number(pushedRes.body.match(/^secureevent_ws_messages_pushed_total\{[^}]*type="availability"[^}]*\} (\S+)$/m)?.[1]);
  await pool.close();

  // ---- the bare ws baseline ----------------------------------------------------------------------
  log(`baseline: bare ws server, ${int(clients)} clients`);
  const bare = fork(path.join(import.meta.dirname, 'bare-server.mjs'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(() => bare.kill('SIGKILL'));
  const nextMsg = (type) =>
    new Promise((resolve) =>
      bare.on('message', function on(m) {
        if (m.type === type) {
          bare.off('message', on);
          resolve(m);
        }
      }),
    );
  const { port: barePort } = await nextMsg('ready');
  const bareMemory = async () => {
    const p = nextMsg('memory');
    bare.send({ type: 'memory' });
    return p;
  };
  const bareBefore = await bareMemory();
  const barePool = clientPool();
  await barePool.connect(`ws://127.0.0.1:${barePort}`, clients);
  await sleep(2000);
  const bareAfter = await bareMemory();
  // The same frame as the service's last push, the seat count replaced by the round number.
  const template = JSON.parse(payload);
  const bareLatency = [];
  const bareFirst = [];
  const bareCpuBefore = await bareMemory();
  for (let k = 1; k <= changes + 1; k++) {
    await sleep(gapMs);
    const round = barePool.round(k);
    const frame = JSON.stringify({ ...template, availability: { ...template.availability, confirmed: k }, at: new Date().toISOString() });
    const sentAt = now();
    bare.send({ type: 'broadcast', payload: frame });
    const { firstAt, allAt } = await withTimeout(round, 30_000, `bare broadcast ${k}`);
    if (k === 1) continue; // the warm-up, as for the service
    bareLatency.push(allAt - sentAt);
    bareFirst.push(firstAt - sentAt);
  }
  const bareCpuAfter = await bareMemory();
  await barePool.close();
  bare.send({ type: 'exit' });

  // ---- report -------------------------------------------------------------------------------------
  const sorted = (a) => Float64Array.from(a).sort();
  const svc = { p50: percentile(sorted(fromCommit), 50), p99: percentile(sorted(fromCommit), 99), max: Math.max(...fromCommit) };
  const svcResp = { p50: percentile(sorted(fromResponse), 50), p99: percentile(sorted(fromResponse), 99) };
  const base = { p50: percentile(sorted(bareLatency), 50), p99: percentile(sorted(bareLatency), 99), max: Math.max(...bareLatency) };
  const perConn = (a, b, key) => (b[key] - a[key]) / clients;
  const svcHeap = perConn(memBefore, memAfter, 'heapUsed');
  const svcRss = perConn(memBefore, memAfter, 'rss');
  const bareHeap = perConn(bareBefore, bareAfter, 'heapUsed');
  const bareRss = perConn(bareBefore, bareAfter, 'rss');
  const kb = (b) => f(b / 1024, 2);
  const yes = (b) => (b ? 'yes' : 'no');

  out(`# Real-time benchmark — ${new Date().toISOString().slice(0, 10)}`);
  out();
  out(
    `\`node bench/realtime/run.mjs --clients ${clients} --changes ${changes} --gap ${gapMs}\` · Node ${process.version} · ${readFileSync('/proc/loadavg', 'utf8').trim()} (loadavg at the end)`,
  );
  out();
  out('| figure | notification-service | bare `ws` broadcast (baseline) | ratio | target | met |');
  out('| --- | ---: | ---: | ---: | --- | --- |');
  out(
    `| clients connected and subscribed | ${int(clients)} | ${int(bareAfter.clients)} | | ≥ ${int(TARGET.clients)} | ${yes(clients >= TARGET.clients)} |`,
  );
  out(`| heap per connection (KB, after GC) | ${kb(svcHeap)} | ${kb(bareHeap)} | ${x(svcHeap, bareHeap)} | | |`);
  out(
    `| RSS per connection (KB) | ${kb(svcRss)} | ${kb(bareRss)} | ${x(svcRss, bareRss)} | ≤ 10 KB | ${yes(svcRss <= TARGET.bytesPerConnection)} |`,
  );
  out(`| delivery to all clients p50 (ms) | ${f(svc.p50)} | ${f(base.p50)} | ${x(svc.p50, base.p50)} | | |`);
  out(
    `| delivery to all clients p99 (ms) | ${f(svc.p99)} | ${f(base.p99)} | ${x(svc.p99, base.p99)} | ≤ 250 ms | ${yes(svc.p99 <= TARGET.p99Ms)} |`,
  );
  out(`| delivery to all clients max (ms) | ${f(svc.max)} | ${f(base.max)} | | | |`);
  out(
    `| delivery to the first client p50 / p99 (ms) | ${f(percentile(sorted(toFirst), 50))} / ${f(percentile(sorted(toFirst), 99))} | ${f(percentile(sorted(bareFirst), 50))} / ${f(percentile(sorted(bareFirst), 99))} | | | |`,
  );
  out(
    `| server CPU per change (ms) | ${f(((metricsAfter.cpuSeconds - metricsBefore.cpuSeconds) * 1000) / changes)} | ${f((bareCpuAfter.cpuMs - bareCpuBefore.cpuMs) / (changes + 1))} | ${x(((metricsAfter.cpuSeconds - metricsBefore.cpuSeconds) * 1000) / changes, (bareCpuAfter.cpuMs - bareCpuBefore.cpuMs) / (changes + 1))} | | |`,
  );
  out();
  out(
    `Service latency is from the availability message's \`at\` (stamped inside the registration's transaction, just before COMMIT) to the moment the last of the ${int(clients)} clients had the new count; baseline latency is from the broadcast order to the last client. Measured from the registration's HTTP answer instead: p50 ${f(svcResp.p50)} ms, p99 ${f(svcResp.p99)} ms. ${changes} changes each (after one warm-up), ${gapMs} ms apart. Payload ${payload.length} bytes.`,
  );
  out();
  out(
    `Service process: RSS ${f(memBefore.rss / 2 ** 20)} → ${f(memAfter.rss / 2 ** 20)} MB, heap ${f(memBefore.heapUsed / 2 ** 20)} → ${f(memAfter.heapUsed / 2 ** 20)} MB with the clients connected (forced GC through the inspector); CPU ${f(metricsAfter.cpuSeconds - metricsBefore.cpuSeconds, 2)} s during the ${changes} changes; availability frames pushed in total: ${int(pushed)} (${f(pushed / clients, 1)} per client, warm-up and probe included). Connecting and subscribing ${int(clients)} clients took ${f(connectS)} s.`,
  );
  out();
  for (const n of notes) out(`- ${n}`);
  out(
    `- The clients run in this process on the same 2 cores as the service, PostgreSQL, RabbitMQ and Redis; receiving ${int(clients)} frames per change costs them CPU that shows in both columns.`,
  );
} catch (err) {
  log(`failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
