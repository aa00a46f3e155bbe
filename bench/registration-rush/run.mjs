#!/usr/bin/env node
// Registration-rush benchmark for the event-service against real PostgreSQL (+ Redis + RabbitMQ).
// One run, one spawned service, one database of its own:
//   1  creates and publishes a big event (everyone confirmed) and a small one (oversell check);
//   2  rush: POST /api/events/:id/registrations with distinct pre-signed users, closed loop;
//   3  oversell: N registrants at once on the small event; counts from the API AND the database,
//      waitlist positions checked to be exactly 1..N;
//   4  ceiling: the service's own group-commit registration code (built) driven straight from node
//      over `pg` (pool of the service's size, same concurrency) — HTTP throughput as a ratio of it;
//      short diagnostics of the single-registration transaction (as before group commit; with
//      synchronous_commit off for our sessions only, no hot row, no NOTIFY, one connection);
//   5  GET /api/events/:id (cached) vs an Express 5 hello-world in its own process;
//   6  two ticket types (issue 14): short rushes alternating between a one-type event and an event
//      with two types under an overall capacity, in rounds AB, BA, … (confirmed/s of two types as
//      a ratio of one type over the same rounds, target ≥ 0.85), and an oversell burst over two
//      types and an overall capacity checked per type in the database.
// Prints one markdown report on stdout (progress on stderr) and exits 0; stops itself.
//
//   node bench/registration-rush/run.mjs
//   node bench/registration-rush/run.mjs --duration 5 --get-duration 5 --no-diagnostics   # shorter
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { keepAliveAgent, percentile, request, runPhase } from '../login/load.mjs';
import { newRunId, REPO, scrapeMetrics } from '../login/service.mjs';
import { ACTIVITY_CATEGORIES, claimSeatTx, closedLoop, serverSettings, startActivitySampler, walCounters, walDelta } from './ceiling.mjs';
import { EVENT_SERVICE_MAIN, machineCpu, newUserId, prepareInfra, spawnNode, staleSources, startJwks } from './infra.mjs';
import { runLifecycle } from '../lib-lifecycle.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    'get-duration': { type: 'string', default: '10' },
    'get-warmup': { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    tokens: { type: 'string', default: '30000' },
    'small-capacity': { type: 'string', default: '500' },
    'small-registrants': { type: 'string', default: '5000' },
    'pool-size': { type: 'string', default: '10' },
    'oversell-max': { type: 'string', default: '60' },
    'no-diagnostics': { type: 'boolean', default: false },
    'no-two-types': { type: 'boolean', default: false },
    'pair-rounds': { type: 'string', default: '4' },
    'pair-seconds': { type: 'string', default: '5' },
  },
});
const num = (name) => {
  const v = Number(args[name]);
  if (!Number.isFinite(v) || v < 0 || (name !== 'warmup' && name !== 'get-warmup' && v === 0))
    throw new Error(`bad option --${name}: ${args[name]}`);
  return v;
};
const durationMs = num('duration') * 1000;
const warmupMs = num('warmup') * 1000;
const getDurationMs = num('get-duration') * 1000;
const getWarmupMs = num('get-warmup') * 1000;
const connections = num('connections');
const tokenCount = num('tokens');
const smallCapacity = num('small-capacity');
const smallRegistrants = num('small-registrants');
const poolSize = num('pool-size'); // the service's pg.Pool max (backend/shared/src/db/database.ts)
const oversellMaxMs = num('oversell-max') * 1000; // stop SENDING oversell registrations after this (time bound)
const diagnostics = !args['no-diagnostics'];
const twoTypes = !args['no-two-types'];
// The one-type vs two-type comparison runs in alternating rounds (AB, BA, AB, …) of short rushes
// on two fresh events, so that other people's load on the shared machine weighs on both alike.
const pairRounds = num('pair-rounds');
const pairMs = num('pair-seconds') * 1000;
const PAIR_WARMUP_MS = 1000;
/** The two-type oversell event: quotas of its types, and its overall capacity (below their sum). */
const TWO_TYPE_SMALL = { a: 200, b: 350, overall: 450 };
const DIAG_WARMUP_MS = 1000;
const DIAG_MS = 3000;
const FLUSH_PROBE_MS = 2000;
const SPREAD_EVENTS = 64;
const TARGET = { rps: 1500, ceilingRatio: 0.5, getRatio: 0.8, twoTypeRatio: 0.85 };

const runId = newRunId();
const out = (line = '') => process.stdout.write(`${line}\n`);
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const x = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const loadavg = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  }
};

/**
 * The service's own seat-claiming code (built), in this process, over a pool of the service's size:
 * the bench's ceiling. It writes the same rows and outbox messages as the service does.
 */
async function directRegistration(dbUrl) {
  const load = (rel) => import(pathToFileURL(path.join(REPO, rel)).href);
  const shared = await load('backend/shared/dist/index.js');
  const { createBatchedRegistration, registerBatch } = await load('backend/event-service/dist/registrations/register-for-event.js');
  const { createTicketSigner } = await load('backend/event-service/dist/registrations/tickets.js');
  const connection = await shared.connectDatabase({ url: dbUrl, poolSize });
  const cache = await shared.connectCache({ prefix: `bench-ceiling-${runId}:` });
  const deps = {
    db: connection.forSchema('events').db,
    outbox: shared.createOutbox('events', '/secureevent/event-service'),
    cache,
    tickets: createTicketSigner(randomBytes(32).toString('hex')),
  };
  const person = (ticketTypeId) => ({ userId: newUserId(), ticketTypeId, answers: {}, idempotencyKey: undefined, traceparent: undefined });
  return {
    /** The batcher, as the service uses it: concurrent submitters share transactions. */
    ceilingRegistration: createBatchedRegistration(deps),
    /** One transaction of `k` registrations, exactly as one group commit of the service runs it. */
    replayBatch: async (eventId, ticketTypeId, k) => {
      const outcomes = await registerBatch(
        deps,
        eventId,
        Array.from({ length: k }, () => person(ticketTypeId)),
      );
      if (!outcomes.every((o) => o.ok)) throw new Error('a replayed registration failed');
    },
    closeCeiling: async () => {
      await cache.close();
      await connection.close();
    },
  };
}

// ---- cleanup and a hard time limit: the run always stops by itself --------------------------
const hardLimitMs = Math.max(
  150_000,
  2 * (warmupMs + durationMs) +
    2 * (getWarmupMs + getDurationMs) +
    90_000 +
    (twoTypes ? 2 * pairRounds * (pairMs + PAIR_WARMUP_MS) + 60_000 : 0),
);
const runBudgetMs = hardLimitMs - 12_000; // what the phases may use; the rest is for cleanup
const { cleanups, cleanup } = runLifecycle({ hardLimitMs, log });

// ---- CPU of named processes (PostgreSQL, Redis, RabbitMQ): /proc/<pid>/stat utime + stime ----------
let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // 100 on Linux
}
const WATCHED = { postgres: 'PostgreSQL', 'redis-server': 'Redis', 'beam.smp': 'RabbitMQ' };
function processJiffies() {
  const byPid = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!(comm in WATCHED)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, { comm, jiffies: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited
    }
  }
  return byPid;
}
const jiffiesDelta = (a, b, seconds) => {
  const out = Object.fromEntries(Object.values(WATCHED).map((n) => [n, 0]));
  for (const [pid, now] of b) out[WATCHED[now.comm]] += now.jiffies - (a.get(pid)?.jiffies ?? 0);
  for (const k of Object.keys(out)) out[k] = (out[k] / clockTicks / seconds) * 100;
  return out;
};

/** utime + stime of one process, in clock ticks (NaN when unreadable). */
function pidJiffies(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

const gitDescribe = () => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).trim();
    return `${head}${dirty ? ' (working tree has uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
};
const fsOf = (dir) => {
  try {
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((m) => m.length > 2 && (dir === m[1] || dir.startsWith(m[1].endsWith('/') ? m[1] : `${m[1]}/`)))
      .sort((a, b) => b[1].length - a[1].length);
    return mounts[0] ? `${mounts[0][2]} on ${mounts[0][0]} (mounted at ${mounts[0][1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
};

async function main() {
  const startedAt = new Date();
  const cpus = os.cpus();
  const loadBefore = loadavg();
  const notes = [];
  const stale = staleSources();
  if (stale.length) {
    notes.push(`dist may be stale: ${stale.length} source file(s) newer than their build (e.g. ${stale[0]}); run npm run build:backend`);
  }

  // ---- infrastructure, keys, service ----------------------------------------------------------------
  log('preparing PostgreSQL database, RabbitMQ vhost, JWKS');
  const infra = await prepareInfra(runId, notes);
  cleanups.push(() => infra.teardown());
  const jwks = await startJwks();
  cleanups.push(() => jwks.close());
  const adminPool = new pg.Pool({ connectionString: infra.dbUrl, max: 2 });
  cleanups.push(() => adminPool.end());
  const settings = await serverSettings(adminPool);

  log('starting event-service and signing tokens meanwhile');
  const t0 = Date.now();
  const servicePromise = spawnNode({
    name: 'event-service',
    main: EVENT_SERVICE_MAIN,
    readyPath: '/readyz',
    // e.g. BENCH_SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the service.
    nodeArgs: process.env.BENCH_SERVICE_NODE_ARGS ? process.env.BENCH_SERVICE_NODE_ARGS.split(' ') : [],
    env: {
      ...infra.env,
      LOG_LEVEL: 'warn',
      TICKET_SECRET: randomBytes(32).toString('base64url'),
      JWKS_URL: jwks.url,
      ...(infra.env.AMQP_URL ? { SECUREEVENT_REQUIRE_EXTERNAL: '1' } : {}),
    },
  });
  servicePromise.then((s) => cleanups.push(() => s.stop())).catch(() => undefined);
  const signStart = performance.now();
  const organizer = await jwks.sign(newUserId(), ['organizer']);
  const rushTokens = await jwks.signMany(tokenCount);
  const smallTokens = await jwks.signMany(smallRegistrants);
  // Enough distinct users for every round at 2,500 confirmed/s, per side.
  const pairTokens = twoTypes ? Math.ceil(((pairRounds * (pairMs + PAIR_WARMUP_MS)) / 1000) * 2500) : 0;
  const rushTokens1 = twoTypes ? await jwks.signMany(pairTokens) : [];
  const rushTokens2 = twoTypes ? await jwks.signMany(pairTokens) : [];
  const smallTokens2 = twoTypes ? await jwks.signMany(smallRegistrants) : [];
  const signMs = performance.now() - signStart;
  const service = await servicePromise;
  const startupMs = Date.now() - t0;
  const { port } = service;
  log(
    `service ready on 127.0.0.1:${port} (pid ${service.pid}) after ${startupMs} ms; ${int(tokenCount + smallRegistrants)} tokens signed in ${f(signMs / 1000)} s`,
  );

  // ---- events ----------------------------------------------------------------------------------------
  const setupAgent = keepAliveAgent(8);
  const startsAt = new Date(Date.now() + 30 * 86_400_000);
  let eventNo = 0;
  const createPublished = async (label, capacity, ticketTypes) => {
    const created = await request({
      port,
      agent: setupAgent,
      method: 'POST',
      path: '/api/events',
      headers: { authorization: `Bearer ${organizer}` },
      body: {
        title: `Bench ${label} ${runId}-${++eventNo}`,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
        timeZone: 'Europe/Berlin',
        venue: 'Bench hall',
        capacity,
        ...(ticketTypes ? { ticketTypes } : {}),
      },
    });
    if (created.status !== 201) throw new Error(`POST /api/events: ${created.status} ${created.body}`);
    const { id } = JSON.parse(created.body);
    infra.eventIds.add(id);
    const published = await request({
      port,
      agent: setupAgent,
      method: 'POST',
      path: `/api/events/${id}/publish`,
      headers: { authorization: `Bearer ${organizer}` },
    });
    if (published.status !== 200) throw new Error(`POST /api/events/${id}/publish: ${published.status} ${published.body}`);
    return id;
  };
  const bigEvent = await createPublished('big', 1_000_000);
  const smallEvent = await createPublished('small', smallCapacity);
  const ceilingEvent = await createPublished('ceiling', 1_000_000);
  const headroomEvent = await createPublished('headroom', 1_000_000);
  const bigOneEvent = twoTypes ? await createPublished('big-one-type', 1_000_000) : undefined;
  const bigTwoEvent = twoTypes
    ? await createPublished('big-two-types', 1_000_000, [
        { name: 'Early', capacity: 500_000 },
        { name: 'Regular', capacity: 500_000 },
      ])
    : undefined;
  const smallTwoEvent = twoTypes
    ? await createPublished('small-two-types', TWO_TYPE_SMALL.overall, [
        { name: 'Early', capacity: TWO_TYPE_SMALL.a },
        { name: 'Regular', capacity: TWO_TYPE_SMALL.b },
      ])
    : undefined;
  /** An event's ticket type ids, in order. */
  const typeIdsOf = async (eventId) =>
    JSON.parse(
      (await request({ port, path: `/api/events/${eventId}`, headers: { authorization: `Bearer ${organizer}` } })).body,
    ).ticketTypes.map((t) => t.id);
  const bigTwoTypes = twoTypes ? await typeIdsOf(bigTwoEvent) : [];
  const smallTwoTypes = twoTypes ? await typeIdsOf(smallTwoEvent) : [];
  const [ceilingType] = await typeIdsOf(ceilingEvent);
  const [headroomType] = await typeIdsOf(headroomEvent);
  const diagEvents = {};
  if (diagnostics) {
    diagEvents.single = await createPublished('diag-single', 1_000_000);
    diagEvents.syncOff = await createPublished('diag-sync-off', 1_000_000);
    diagEvents.serial = await createPublished('diag-serial', 1_000_000);
    diagEvents.spread = [];
    for (let i = 0; i < SPREAD_EVENTS; i += 8) {
      diagEvents.spread.push(...(await Promise.all(Array.from({ length: 8 }, () => createPublished('diag-spread', 1_000_000)))));
    }
  }
  // One registration through every layer before measuring (JWKS fetched, statements warm).
  const probeToken = await jwks.sign(newUserId(), ['attendee']);
  const first = await request({
    port,
    agent: setupAgent,
    method: 'POST',
    path: `/api/events/${bigEvent}/registrations`,
    headers: { authorization: `Bearer ${probeToken}` },
    body: '{}',
  });
  if (first.status !== 201 || JSON.parse(first.body).status !== 'confirmed') throw new Error(`registration: ${first.status} ${first.body}`);
  setupAgent.destroy();
  log(
    `events created: big ${bigEvent}, small ${smallEvent}, ceiling ${ceilingEvent}${diagnostics ? `, ${3 + SPREAD_EVENTS} for diagnostics` : ''}`,
  );

  // ---- probes: CPU, event loop, WAL, pg_stat_activity over a measured window -------------------------
  // `server`: the process under test — its CPU from /proc/<pid>/stat, and for the event-service
  // its event-loop lag from /metrics (each scrape resets prom-client's histogram).
  const serviceTarget = { pid: service.pid, metrics: true };
  const probeStart = async (server) => ({
    t: performance.now(),
    machine: await machineCpu(),
    procs: processJiffies(),
    server: pidJiffies(server.pid),
    client: process.cpuUsage(),
    metrics: server.metrics ? await scrapeMetrics(port) : undefined,
    wal: await walCounters(adminPool, infra.dbName),
    sampler: startActivitySampler(adminPool, infra.dbName),
  });
  const probeEnd = async (p, server) => {
    const activity = await p.sampler.stop();
    const seconds = (performance.now() - p.t) / 1000;
    const machine = await machineCpu();
    const client = process.cpuUsage(p.client);
    const serverJiffies = pidJiffies(server.pid);
    const metrics = server.metrics ? await scrapeMetrics(port) : undefined;
    const wal = walDelta(p.wal, await walCounters(adminPool, infra.dbName));
    const procs = jiffiesDelta(p.procs, processJiffies(), seconds);
    const machinePercent =
      p.machine && machine ? ((machine.busy - p.machine.busy) / (machine.total - p.machine.total)) * cpus.length * 100 : NaN;
    const serverPercent = ((serverJiffies - p.server) / clockTicks / seconds) * 100;
    const clientPercent = ((client.user + client.system) / 1e6 / seconds) * 100;
    const named = Object.values(procs).reduce((a, b) => a + b, 0);
    return {
      seconds,
      activity,
      wal,
      cpu: {
        machine: machinePercent,
        server: serverPercent,
        client: clientPercent,
        ...procs,
        others: machinePercent - serverPercent - clientPercent - named,
      },
      loop: metrics ? { p99: metrics.loopP99Ms, max: metrics.loopMaxMs } : undefined,
      batches:
        metrics && p.metrics ? { sum: metrics.batchSum - p.metrics.batchSum, count: metrics.batchCount - p.metrics.batchCount } : undefined,
    };
  };
  /** Runs `fn` with probes armed for the window after `warm` ms. */
  const measured = async (warm, fn, server = serviceTarget) => {
    let armed;
    const timer = setTimeout(() => (armed = probeStart(server)), warm);
    const result = await fn();
    clearTimeout(timer);
    armed ??= probeStart(server);
    return { result, probe: await probeEnd(await armed, server) };
  };
  const outboxBacklog = async () =>
    Number((await adminPool.query('select count(*) from events.outbox where published_at is null')).rows[0].count);
  const waitForRelay = async (maxMs) => {
    const t = performance.now();
    let n = await outboxBacklog();
    while (n > 0 && performance.now() - t < maxMs) {
      await sleep(250);
      n = await outboxBacklog();
    }
    return { left: n, waitedMs: performance.now() - t };
  };
  const phases = {};

  // ---- 2  rush: distinct users register for the big event -------------------------------------------
  log(`rush: ${connections} connections, ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s`);
  let tokenIndex = 0;
  let reusedTokens = 0;
  const rush = await measured(warmupMs, () =>
    runPhase({
      port,
      warmupMs,
      durationMs,
      scenarios: [
        {
          name: 'POST /api/events/:id/registrations',
          connections,
          next: () => {
            const i = tokenIndex++;
            if (i >= rushTokens.length) reusedTokens++;
            return {
              method: 'POST',
              path: `/api/events/${bigEvent}/registrations`,
              headers: { authorization: `Bearer ${rushTokens[i % rushTokens.length]}` },
              body: '{}',
            };
          },
        },
      ],
    }),
  );
  const rushS = rush.result.scenarios[0];
  rushS.created = rushS.statuses[201] ?? 0;
  rushS.confirmedPerS = rushS.created / (durationMs / 1000);
  phases.rush = rush;
  rush.backlogAfter = await outboxBacklog();
  if (reusedTokens)
    notes.push(
      `rush used up its ${int(tokenCount)} tokens: ${int(reusedTokens)} requests repeated a user (answered 200, not counted as confirmed); raise --tokens`,
    );
  log(
    `rush: ${f(rushS.confirmedPerS)} confirmed/s, p50 ${f(rushS.p50, 2)} ms, p99 ${f(rushS.p99, 2)} ms; outbox backlog ${rush.backlogAfter}`,
  );
  rush.relay = await waitForRelay(10_000);

  // ---- 6a two ticket types: the same rush on an event with two types, alternating ------------------
  if (twoTypes) {
    log(`one type vs two types: ${pairRounds} rounds of ${pairMs / 1000} s each side (+ ${PAIR_WARMUP_MS / 1000} s warm-up), alternating`);
    const sides = {
      one: { event: bigOneEvent, tokens: rushTokens1, used: 0, types: [undefined], created: 0, rounds: [] },
      two: { event: bigTwoEvent, tokens: rushTokens2, used: 0, types: bigTwoTypes, created: 0, rounds: [] },
    };
    const short = async (side) => {
      const run = await runPhase({
        port,
        warmupMs: PAIR_WARMUP_MS,
        durationMs: pairMs,
        scenarios: [
          {
            name: side === sides.one ? 'one type' : 'two types',
            connections,
            next: () => {
              const i = side.used++;
              const type = side.types[i % side.types.length];
              return {
                method: 'POST',
                path: `/api/events/${side.event}/registrations`,
                headers: { authorization: `Bearer ${side.tokens[i % side.tokens.length]}` },
                body: type ? JSON.stringify({ ticketTypeId: type }) : '{}',
              };
            },
          },
        ],
      });
      const sc = run.scenarios[0];
      const created = sc.statuses[201] ?? 0;
      side.created += created;
      side.rounds.push({ perS: created / (pairMs / 1000), p99: sc.p99, non2xx: sc.non2xx, errors: sc.errors });
    };
    for (let r = 0; r < pairRounds; r += 1) {
      for (const side of r % 2 === 0 ? [sides.one, sides.two] : [sides.two, sides.one]) await short(side);
    }
    for (const side of [sides.one, sides.two]) {
      if (side.used > side.tokens.length) notes.push(`a paired rush used up its tokens: some requests repeated a user`);
    }
    const rush2 = {
      one: { perS: sides.one.created / ((pairRounds * pairMs) / 1000), rounds: sides.one.rounds },
      two: { perS: sides.two.created / ((pairRounds * pairMs) / 1000), rounds: sides.two.rounds },
    };
    rush2.ratio = x(rush2.two.perS, rush2.one.perS);
    phases.rush2 = rush2;
    log(
      `one type ${f(rush2.one.perS)} vs two types ${f(rush2.two.perS)} confirmed/s over ${pairRounds} alternating rounds: ${f(rush2.ratio, 2)}×`,
    );
    rush2.relay = await waitForRelay(10_000);

    // ---- 6b oversell over two types and an overall capacity ------------------------------------------
    log(
      `oversell over two types: ${smallTokens2.length} registrants, quotas ${TWO_TYPE_SMALL.a} + ${TWO_TYPE_SMALL.b}, overall ${TWO_TYPE_SMALL.overall}`,
    );
    const agent = keepAliveAgent(connections);
    const answers = [];
    let next = 0;
    const tb = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (;;) {
          const i = next++;
          if (i >= smallTokens2.length || performance.now() - tb > oversellMaxMs) return;
          try {
            const r = await request({
              port,
              agent,
              method: 'POST',
              path: `/api/events/${smallTwoEvent}/registrations`,
              headers: { authorization: `Bearer ${smallTokens2[i]}` },
              body: JSON.stringify({ ticketTypeId: smallTwoTypes[i % 2] }),
            });
            answers.push({ status: r.status, body: r.status < 300 ? JSON.parse(r.body) : undefined });
          } catch (err) {
            answers.push({ error: err.message });
          }
        }
      }),
    );
    agent.destroy();
    const rows = (
      await adminPool.query(
        `select ticket_type_id as type, status, count(*)::int as n from events.registrations where event_id = $1 group by 1, 2`,
        [smallTwoEvent],
      )
    ).rows;
    const counted = (type, status) => rows.find((r) => r.type === type && r.status === status)?.n ?? 0;
    const counters = (
      await adminPool.query('select id, capacity, confirmed_count, waitlisted_count from events.ticket_types where event_id = $1', [
        smallTwoEvent,
      ])
    ).rows;
    const perType = smallTwoTypes.map((type, k) => {
      const quota = k === 0 ? TWO_TYPE_SMALL.a : TWO_TYPE_SMALL.b;
      const c = counters.find((r) => r.id === type);
      const waitlisted = answers.filter((a) => a.body?.ticketTypeId === type && a.body.status === 'waitlisted');
      const places = waitlisted.map((a) => a.body.waitlistPosition).sort((p, q) => p - q);
      return {
        quota,
        confirmed: counted(type, 'confirmed'),
        waitlisted: counted(type, 'waitlisted'),
        countersAgree: c.confirmed_count === counted(type, 'confirmed') && c.waitlisted_count === counted(type, 'waitlisted'),
        strict: places.length === counted(type, 'waitlisted') && places.every((p, i) => p === i + 1),
      };
    });
    const total = perType.reduce((n, t) => n + t.confirmed, 0);
    phases.twoTypeOversell = {
      sent: Math.min(next, smallTokens2.length),
      ok: answers.filter((a) => a.status === 201).length,
      other: answers.filter((a) => a.status !== 201).length,
      perType,
      total,
      // The overall capacity binds (450 < 200 + 350) once enough people came: exactly it, never more.
      overOverall: total - TWO_TYPE_SMALL.overall,
      overQuota: perType.map((t) => t.confirmed - t.quota),
    };
    log(
      `oversell over two types: confirmed ${perType.map((t) => `${t.confirmed}/${t.quota}`).join(' + ')} = ${total} / overall ${TWO_TYPE_SMALL.overall}; queues strict: ${perType.every((t) => t.strict)}`,
    );
    await waitForRelay(10_000);
  }

  // ---- 3  oversell: everyone at once on the small event ----------------------------------------------
  log(`oversell: ${smallRegistrants} registrants, capacity ${smallCapacity}, ${connections} at a time`);
  const burst = [];
  // The burst gets what the run budget leaves after reserving the later phases (at least 5 s).
  const reserveMs =
    warmupMs +
    durationMs +
    3000 +
    (diagnostics ? 4 * (DIAG_WARMUP_MS + DIAG_MS + 500) + 2 * (500 + FLUSH_PROBE_MS + 500) : 0) +
    2 * (getWarmupMs + getDurationMs + 1000) +
    4000;
  const oversellBudgetMs = Math.max(5000, Math.min(oversellMaxMs, runBudgetMs - performance.now() - reserveMs));
  {
    const agent = keepAliveAgent(connections);
    let next = 0;
    const tb = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (;;) {
          if (performance.now() - tb > oversellBudgetMs) return;
          const i = next++;
          if (i >= smallTokens.length) return;
          const ts = performance.now();
          try {
            const r = await request({
              port,
              agent,
              method: 'POST',
              path: `/api/events/${smallEvent}/registrations`,
              headers: { authorization: `Bearer ${smallTokens[i]}` },
              body: '{}',
            });
            burst.push({ status: r.status, ms: performance.now() - ts, body: r.status < 300 ? JSON.parse(r.body) : r.body.slice(0, 200) });
          } catch (err) {
            burst.push({ error: err.message });
          }
        }
      }),
    );
    burst.ms = performance.now() - tb;
    burst.sent = Math.min(next, smallTokens.length);
    agent.destroy();
    if (burst.sent < smallTokens.length) {
      notes.push(
        `oversell burst stopped sending after ${f(oversellBudgetMs / 1000, 0)} s (time bound: --oversell-max ${oversellMaxMs / 1000} s, or what the ${f(runBudgetMs / 1000, 0)} s run budget left after reserving the later phases): ${burst.sent} of ${smallTokens.length} registrants sent`,
      );
    }
  }
  const apiSmall = JSON.parse((await request({ port, path: `/api/events/${smallEvent}` })).body).availability;
  const db = async (text, values) => (await adminPool.query(text, values)).rows;
  const [eventRow] = await db('select capacity, confirmed_count, waitlisted_count from events.events where id = $1', [smallEvent]);
  const byStatus = Object.fromEntries(
    (await db('select status, count(*)::int as n from events.registrations where event_id = $1 group by status', [smallEvent])).map((r) => [
      r.status,
      r.n,
    ]),
  );
  const dbWaitlist = await db(
    `select id, waitlist_seq::text as seq, row_number() over (order by waitlist_seq)::int as pos,
            count(*) over (partition by waitlist_seq)::int as same_seq
       from events.registrations where event_id = $1 and status = 'waitlisted' order by waitlist_seq`,
    [smallEvent],
  );
  const ok = burst.filter((b) => b.status === 201);
  const answeredConfirmed = ok.filter((b) => b.body.status === 'confirmed').length;
  const answeredWaitlisted = ok.filter((b) => b.body.status === 'waitlisted');
  const positions = answeredWaitlisted.map((b) => b.body.waitlistPosition).sort((a, b) => a - b);
  const positionsStrict = positions.length === answeredWaitlisted.length && positions.every((p, i) => p === i + 1);
  const dbPos = new Map(dbWaitlist.map((r) => [r.id, r.pos]));
  const positionsMatchDb =
    dbWaitlist.length === answeredWaitlisted.length && answeredWaitlisted.every((b) => dbPos.get(b.body.id) === b.body.waitlistPosition);
  const seqDistinct = dbWaitlist.every((r) => r.same_seq === 1);
  const dbConfirmed = byStatus.confirmed ?? 0;
  const burstLat = Float64Array.from(ok.map((b) => b.ms)).sort();
  phases.oversell = {
    ms: burst.ms,
    sent: burst.sent,
    answered: {
      201: ok.length,
      other: burst.filter((b) => b.status !== undefined && b.status !== 201).length,
      errors: burst.filter((b) => b.error).length,
    },
    otherStatuses: [...new Set(burst.filter((b) => b.status !== 201).map((b) => b.status ?? b.error))],
    answeredConfirmed,
    answeredWaitlisted: answeredWaitlisted.length,
    api: apiSmall,
    db: {
      capacity: eventRow.capacity,
      confirmedCount: eventRow.confirmed_count,
      waitlistedCount: eventRow.waitlisted_count,
      rows: byStatus,
    },
    oversell: dbConfirmed - eventRow.capacity,
    apiOversell: apiSmall.confirmed - apiSmall.capacity,
    positionsStrict,
    positionsMatchDb,
    seqDistinct,
    countsAgree:
      dbConfirmed === eventRow.confirmed_count &&
      (byStatus.waitlisted ?? 0) === eventRow.waitlisted_count &&
      apiSmall.confirmed === dbConfirmed &&
      apiSmall.waitlisted === (byStatus.waitlisted ?? 0) &&
      answeredConfirmed === dbConfirmed,
    p50: percentile(burstLat, 50),
    p99: percentile(burstLat, 99),
  };
  log(
    `oversell: ${phases.oversell.oversell} (confirmed ${dbConfirmed} / capacity ${eventRow.capacity}); waitlist 1..${positions.length} strict: ${positionsStrict}, matches database: ${positionsMatchDb}`,
  );
  phases.oversell.relay = await waitForRelay(10_000);

  // ---- 4  ceiling: the same batched transactions straight from node--------------------------------------
  log(`ceiling: pg Pool(${poolSize}), ${connections} workers, ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s`);
  const ceilPool = new pg.Pool({ connectionString: infra.dbUrl, max: poolSize });
  cleanups.push(() => (ceilPool.ended ? undefined : ceilPool.end()));
  /** Step timings of claimSeatTx, counted from the end of the warm-up. */
  const stepTimings = (warm) => {
    const timings = {};
    setTimeout(() => {
      for (const k of Object.keys(timings)) delete timings[k];
    }, warm);
    return timings;
  };
  // The ceiling is the service's own group-commit code (createBatchedRegistration from the built
  // event-service), driven straight from this process on a pool of the service's size: the same
  // batches, the same SQL, the same outbox rows — only HTTP, auth and the per-request checks are
  // missing. (The relay that publishes those outbox rows keeps running in the service.)
  const { ceilingRegistration, replayBatch, closeCeiling } = await directRegistration(infra.dbUrl);
  // The ceiling: the rush's own transactions — group commits of the mean batch size the service
  // reported over the rush's measured window — replayed back to back (one in flight per event, as
  // in the service) straight from node. Our HTTP throughput is then a ratio of what the database
  // does with the same transactions when nothing else (HTTP, auth, checks, JSON) competes.
  const meanBatch = x(rush.probe.batches.sum, rush.probe.batches.count);
  const replayK = Math.max(1, Math.round(meanBatch));
  log(
    `ceiling: the rush's mean group commit (${f(meanBatch, 1)} registrations) replayed back to back, ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s`,
  );
  const ceiling = await measured(warmupMs, () =>
    closedLoop({ workers: 1, warmupMs, durationMs, op: () => replayBatch(ceilingEvent, ceilingType, replayK) }),
  );
  ceiling.meanBatch = meanBatch;
  ceiling.replayK = replayK;
  ceiling.registrationsPerS = ceiling.result.rate * replayK;
  phases.ceiling = ceiling;
  ceiling.backlogAfter = await outboxBacklog();
  log(`ceiling: ${f(ceiling.registrationsPerS)} registrations/s (${f(ceiling.result.rate)} transactions/s of ${replayK})`);
  // Headroom, for information: the same code with ${connections} concurrent submitters straight from
  // node, so batches grow as large as the submitters allow.
  log(`headroom: the group-commit code with ${connections} direct submitters`);
  const headroom = await measured(warmupMs, () =>
    closedLoop({
      workers: connections,
      warmupMs,
      durationMs,
      op: () =>
        ceilingRegistration.submit(headroomEvent, {
          userId: newUserId(),
          ticketTypeId: headroomType,
          answers: {},
          idempotencyKey: undefined,
          traceparent: undefined,
        }),
    }),
  );
  await closeCeiling();
  phases.headroom = headroom;
  log(`headroom: ${f(headroom.result.rate)} registrations/s, p50 ${f(headroom.result.p50, 2)} ms, p99 ${f(headroom.result.p99, 2)} ms`);

  const diag = [];
  if (diagnostics) {
    const variant = async (label, explain, pool, workers, op) => {
      log(`diagnostic: ${label}`);
      const timings = stepTimings(DIAG_WARMUP_MS);
      const r = await measured(DIAG_WARMUP_MS, () =>
        closedLoop({ workers, warmupMs: DIAG_WARMUP_MS, durationMs: DIAG_MS, op: (i) => op(i, timings) }),
      );
      diag.push({ label, explain, workers, pool: pool.options.max, timings, ...r });
    };
    await variant(
      'one registration per transaction (no group commit)',
      'the design before group commit: every claim its own transaction on the hot row',
      ceilPool,
      connections,
      (_, timings) => claimSeatTx(ceilPool, diagEvents.single, { timings }),
    );
    const syncOffPool = new pg.Pool({ connectionString: infra.dbUrl, max: poolSize, options: '-c synchronous_commit=off' });
    cleanups.push(() => (syncOffPool.ended ? undefined : syncOffPool.end()));
    await variant(
      'synchronous_commit=off (our sessions only)',
      'hot row; commit does not wait for the WAL flush',
      syncOffPool,
      connections,
      (_, timings) => claimSeatTx(syncOffPool, diagEvents.syncOff, { timings }),
    );
    await syncOffPool.end();
    await variant(`no hot row (${SPREAD_EVENTS} events)`, 'same tx, each spread over 64 event rows', ceilPool, connections, (i, timings) =>
      claimSeatTx(ceilPool, diagEvents.spread[i % SPREAD_EVENTS], { timings }),
    );
    await variant(
      `no hot row, no NOTIFY`,
      'as above without pg_notify (NOTIFY serialises commits on a global lock)',
      ceilPool,
      connections,
      (i, timings) => claimSeatTx(ceilPool, diagEvents.spread[i % SPREAD_EVENTS], { notify: false, timings }),
    );
    const serialPool = new pg.Pool({ connectionString: infra.dbUrl, max: 1 });
    cleanups.push(() => (serialPool.ended ? undefined : serialPool.end()));
    await variant('one connection, one worker', 'no queueing at all: the bare duration of one transaction', serialPool, 1, (_, timings) =>
      claimSeatTx(serialPool, diagEvents.serial, { timings }),
    );
    await serialPool.end();
  }
  await ceilPool.end();
  // What one synchronous commit costs here: a one-row autocommit INSERT on one connection, with
  // synchronous_commit on and (our session only) off; the difference is the WAL flush.
  let flush;
  if (diagnostics) {
    log('diagnostic: commit flush probe');
    await adminPool.query('create table public.bench_flush_probe (id bigserial primary key, at timestamptz not null default now())');
    const flushProbe = async (extra) => {
      const pool = new pg.Pool({ connectionString: infra.dbUrl, max: 1, ...extra });
      try {
        return await closedLoop({
          workers: 1,
          warmupMs: 500,
          durationMs: FLUSH_PROBE_MS,
          op: () => pool.query('insert into public.bench_flush_probe default values'),
        });
      } finally {
        await pool.end();
      }
    };
    flush = { on: await flushProbe({}), off: await flushProbe({ options: '-c synchronous_commit=off' }) };
  }
  const relayBeforeGet = await waitForRelay(15_000);

  // ---- 5  GET /api/events/:id vs Express hello-world -------------------------------------------------
  log(`GET /api/events/:id: ${connections} connections, ${getWarmupMs / 1000} s warm-up + ${getDurationMs / 1000} s`);
  const get = await measured(getWarmupMs, () =>
    runPhase({
      port,
      warmupMs: getWarmupMs,
      durationMs: getDurationMs,
      scenarios: [{ name: 'GET /api/events/:id', connections, next: () => ({ path: `/api/events/${bigEvent}` }) }],
    }),
  );
  phases.get = get;
  log('starting the Express 5 hello-world');
  const hello = await spawnNode({ name: 'express hello-world', main: path.join(import.meta.dirname, 'hello.mjs'), readyPath: '/' });
  cleanups.push(() => hello.stop());
  const helloRun = await measured(
    getWarmupMs,
    () =>
      runPhase({
        port: hello.port,
        warmupMs: getWarmupMs,
        durationMs: getDurationMs,
        scenarios: [{ name: 'GET / (Express 5 hello-world)', connections, next: () => ({ path: '/' }) }],
      }),
    { pid: hello.pid, metrics: false },
  );
  phases.hello = helloRun;
  await hello.stop();
  const loadAfter = loadavg();

  // Cross-check of the rush in the database: everyone on the big event confirmed, nobody waitlisted.
  const [big] = await db('select confirmed_count, waitlisted_count from events.events where id = $1', [bigEvent]);
  const finalBacklog = await outboxBacklog();
  const [eventsTable] = await db(
    `select n_tup_upd::int as upd, n_tup_hot_upd::int as hot, n_dead_tup::int as dead, pg_relation_size('events.events')::int as bytes,
            (select count(*)::int from events.events) as rows
       from pg_stat_user_tables where relid = 'events.events'::regclass`,
  );

  // ---- report ----------------------------------------------------------------------------------------
  const getS = get.result.scenarios[0];
  const helloS = helloRun.result.scenarios[0];
  const c = ceiling.result;
  const ov = phases.oversell;
  const ceilingRatio = x(rushS.confirmedPerS, ceiling.registrationsPerS);
  const h = headroom.result;
  const getRatio = x(getS.rps, helloS.rps);
  const yes = (b) => (b ? 'yes' : '**no**');

  out(`## Registration rush — ${startedAt.toISOString()}`);
  out();
  out(
    `- node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? '?'}), availableParallelism ${os.availableParallelism()}`,
  );
  out(`- /proc/loadavg before: \`${loadBefore}\`; after: \`${loadAfter}\``);
  out(
    `- commit ${gitDescribe()}; event-service pid ${service.pid}, ready after ${startupMs} ms (LOG_LEVEL=warn); ${int(tokenCount + smallRegistrants)} tokens pre-signed in ${f(signMs / 1000)} s`,
  );
  out(
    `- PostgreSQL ${settings.server_version}: synchronous_commit=${settings.synchronous_commit}, fsync=${settings.fsync}, wal_sync_method=${settings.wal_sync_method}, commit_delay=${settings.commit_delay}, full_page_writes=${settings.full_page_writes}, max_connections=${settings.max_connections}; data directory on ${fsOf(settings.data_directory)} (settings read, none changed)`,
  );
  out(
    `- load model: closed loop, ${connections} keep-alive connections (HTTP) or ${connections} workers on a pg.Pool of ${poolSize} (ceiling, = the service's pool); warm-up ${warmupMs / 1000} s discarded, ${durationMs / 1000} s measured (GET: ${getWarmupMs / 1000} + ${getDurationMs / 1000} s). Load generator in this process, on the same CPUs.`,
  );
  for (const note of notes) out(`- ${note}`);
  out();
  out('| figure | value | target | met |');
  out('|---|--:|--:|:-:|');
  out(
    `| confirmed registrations/s (HTTP, distinct users) | ${int(rushS.confirmedPerS)} | ≥ ${int(TARGET.rps)} | ${yes(rushS.confirmedPerS >= TARGET.rps)} |`,
  );
  out(`| registration latency p50 / p99 | ${f(rushS.p50, 1)} / ${f(rushS.p99, 1)} ms | | |`);
  out(`| rush non-2xx / socket errors | ${rushS.non2xx} / ${rushS.errors} | 0 | ${yes(rushS.non2xx + rushS.errors === 0)} |`);
  out(
    `| oversell = confirmed − capacity (database; API says ${ov.apiOversell}) | ${ov.oversell} | 0 | ${yes(ov.oversell === 0 && ov.apiOversell === 0)} |`,
  );
  out(
    `| waitlist positions strictly 1..${ov.answeredWaitlisted} (and equal to the database order) | ${ov.positionsStrict && ov.positionsMatchDb && ov.seqDistinct ? 'yes' : 'no'} | yes | ${yes(ov.positionsStrict && ov.positionsMatchDb && ov.seqDistinct)} |`,
  );
  if (phases.rush2) {
    const r2 = phases.rush2;
    const o2 = phases.twoTypeOversell;
    const rounds = (side) => side.rounds.map((r) => int(r.perS)).join(' / ');
    out(
      `| one type vs two types under an overall capacity, ${r2.one.rounds.length} alternating rounds of ${pairMs / 1000} s: confirmed/s one type (rounds) | ${int(r2.one.perS)} (${rounds(r2.one)}) | | |`,
    );
    out(`| … two types, same rounds | ${int(r2.two.perS)} (${rounds(r2.two)}) | | |`);
    out(
      `| two types ÷ one type, confirmed/s over the same rounds | ${f(r2.ratio, 2)}× | ≥ ${TARGET.twoTypeRatio} | ${yes(r2.ratio >= TARGET.twoTypeRatio)} |`,
    );
    out(
      `| two-type oversell (${int(o2.sent)} registrants): confirmed per type − quota; total − overall ${TWO_TYPE_SMALL.overall} (database) | ${o2.overQuota.join(', ')}; ${o2.overOverall} | ≤ 0; 0 | ${yes(o2.overQuota.every((d) => d <= 0) && o2.overOverall === 0)} |`,
    );
    out(
      `| two-type oversell: per-type waitlists strictly 1..n, type counters equal the rows | ${o2.perType.every((t) => t.strict) ? 'yes' : 'no'}, ${o2.perType.every((t) => t.countersAgree) ? 'yes' : 'no'} | yes, yes | ${yes(o2.perType.every((t) => t.strict && t.countersAgree))} |`,
    );
  }
  out(`| group commits in the rush: mean registrations per transaction | ${f(ceiling.meanBatch, 1)} | | |`);
  out(
    `| ceiling: the rush's transactions (${ceiling.replayK} registrations each) replayed back to back over pg, registrations/s | ${int(ceiling.registrationsPerS)} | | |`,
  );
  out(
    `| HTTP confirmed/s ÷ ceiling registrations/s | ${f(ceilingRatio, 2)}× | ≥ ${TARGET.ceilingRatio} | ${yes(ceilingRatio >= TARGET.ceilingRatio)} |`,
  );
  out(
    `| headroom (information): the group-commit code with ${connections} direct submitters, registrations/s (÷ by it: ${f(x(rushS.confirmedPerS, h.rate), 2)}×) | ${int(h.rate)} | | |`,
  );
  out(`| GET /api/events/:id req/s | ${int(getS.rps)} | | |`);
  out(`| Express 5 hello-world req/s (own process) | ${int(helloS.rps)} | | |`);
  out(`| GET /api/events/:id ÷ hello-world | ${f(getRatio, 2)}× | ≥ ${TARGET.getRatio} | ${yes(getRatio >= TARGET.getRatio)} |`);
  out(
    `| same, per CPU-second of the answering process (${int(x(getS.rps, get.probe.cpu.server / 100))} vs ${int(x(helloS.rps, helloRun.probe.cpu.server / 100))} req/CPU-s) | ${f(x(x(getS.rps, get.probe.cpu.server), x(helloS.rps, helloRun.probe.cpu.server)), 2)}× | | |`,
  );
  out();

  out(
    '| phase | conc. | ok | non-2xx | errors | per s | p50 ms | p99 ms | server CPU % | service loop p99 / max ms | client CPU % | PostgreSQL CPU % | Redis % | RabbitMQ % | machine busy % | rest % |',
  );
  out('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const cpuCells = (p) =>
    `${f(p.cpu.server, 0)} | ${p.loop ? `${f(p.loop.p99)} / ${f(p.loop.max)}` : '–'} | ${f(p.cpu.client, 0)} | ${f(p.cpu.PostgreSQL, 0)} | ${f(p.cpu.Redis, 0)} | ${f(p.cpu.RabbitMQ, 0)} | ${f(p.cpu.machine, 0)} | ${f(p.cpu.others, 0)}`;
  out(
    `| rush: POST registrations (201 = confirmed) | ${connections} | ${rushS.created} | ${rushS.non2xx} | ${rushS.errors} | ${f(rushS.confirmedPerS)} | ${f(rushS.p50, 2)} | ${f(rushS.p99, 2)} | ${cpuCells(rush.probe)} |`,
  );
  out(
    `| ceiling: ${ceiling.replayK}-registration transactions, one in flight (per s = transactions) | 1 on ${poolSize} | ${c.ok} | – | ${c.errors} | ${f(c.rate)} | ${f(c.p50, 2)} | ${f(c.p99, 2)} | ${cpuCells(ceiling.probe)} |`,
  );
  out(
    `| headroom: group commit, direct submitters | ${connections} on ${poolSize} | ${h.ok} | – | ${h.errors} | ${f(h.rate)} | ${f(h.p50, 2)} | ${f(h.p99, 2)} | ${cpuCells(headroom.probe)} |`,
  );
  out(
    `| GET /api/events/:id | ${connections} | ${getS.ok} | ${getS.non2xx} | ${getS.errors} | ${f(getS.rps)} | ${f(getS.p50, 2)} | ${f(getS.p99, 2)} | ${cpuCells(get.probe)} |`,
  );
  out(
    `| GET / Express hello-world | ${connections} | ${helloS.ok} | ${helloS.non2xx} | ${helloS.errors} | ${f(helloS.rps)} | ${f(helloS.p50, 2)} | ${f(helloS.p99, 2)} | ${cpuCells(helloRun.probe)} |`,
  );
  out();
  out(
    `CPU % of one core over the measured window (${cpus.length * 100} % = all ${cpus.length} cores). Server = the process answering (the event-service, or the hello-world in its row; in the ceiling row the service is only running its outbox relay). PostgreSQL / Redis / RabbitMQ = all processes of that name (other people's work on them included); "rest" = machine busy minus everything named here: other people's tests. Service loop delay: prom-client's event-loop lag from the service's /metrics.`,
  );
  out();

  out(
    `### Oversell check — capacity ${ov.db.capacity}, ${int(ov.sent)} registrants${ov.sent < smallRegistrants ? ` (of ${int(smallRegistrants)}: time bound)` : ''}, ${connections} at a time`,
  );
  out();
  out(
    `- answered: ${ov.answered[201]} × 201 (${ov.answeredConfirmed} confirmed, ${ov.answeredWaitlisted} waitlisted), ${ov.answered.other} other status${ov.otherStatuses.length ? ` (${ov.otherStatuses.join(', ')})` : ''}, ${ov.answered.errors} socket errors; all in ${f(ov.ms / 1000, 2)} s (${f((ov.sent / ov.ms) * 1000)} /s), p50 ${f(ov.p50, 1)} ms, p99 ${f(ov.p99, 1)} ms`,
  );
  out(`- GET /api/events/:id availability: ${JSON.stringify(ov.api)}`);
  out(
    `- database: events row confirmed_count ${ov.db.confirmedCount}, waitlisted_count ${ov.db.waitlistedCount}; registrations rows by status ${JSON.stringify(ov.db.rows)}`,
  );
  out(
    `- oversell (database rows) = ${ov.db.rows.confirmed ?? 0} − ${ov.db.capacity} = **${ov.oversell}**; API, counters, rows and answers agree: ${yes(ov.countsAgree)}`,
  );
  out(
    `- waitlist: answered positions are exactly 1..${ov.answeredWaitlisted}: ${yes(ov.positionsStrict)}; each equals the registration's rank by waitlist_seq in the database: ${yes(ov.positionsMatchDb)}; waitlist_seq values distinct: ${yes(ov.seqDistinct)}`,
  );
  out(
    `- big event after the rush: confirmed_count ${int(big.confirmed_count)}, waitlisted_count ${big.waitlisted_count} (everyone confirmed)`,
  );
  out();

  out('### Where the database connections wait (pg_stat_activity, sampled every 50 ms; mean number of backends)');
  out();
  out(`| phase | samples | ${ACTIVITY_CATEGORIES.join(' | ')} |`);
  out(`|---|--:|${ACTIVITY_CATEGORIES.map(() => '--:').join('|')}|`);
  const actRow = (label, p) =>
    `| ${label} | ${p.activity.samples} | ${ACTIVITY_CATEGORIES.map((k) => f(p.activity.avg[k] ?? 0, 2)).join(' | ')} |`;
  out(actRow('rush (HTTP)', rush.probe));
  out(actRow('ceiling (pg)', ceiling.probe));
  out(actRow('headroom (pg)', headroom.probe));
  for (const d of diag) out(actRow(`diag: ${d.label}`, d.probe));
  out();
  out(
    "`row-wait`: UPDATE waiting for the event row lock. `holder-*`: a transaction that has written (holds the row lock) — `holder-client` idle, waiting for node to send its next statement; `holder-commit` waiting on WAL write/flush; `holder-run` executing. `notify-lock`: waiting for the NOTIFY queue lock at commit. `other-active`: reads before the transaction and the outbox relay. `in-tx-no-write`: after BEGIN, before the UPDATE. Includes the service's pool during the ceiling (its relay publishes the ceiling's outbox rows too).",
  );
  out();

  out("### WAL (pg_stat_wal is cluster-wide: other databases' writes are included)");
  out();
  out('| phase | seat claims /s | WAL syncs /s | WAL syncs per seat claim | WAL bytes per seat claim | all commits in this database /s |');
  out('|---|--:|--:|--:|--:|--:|');
  const walRow = (label, p, claims, windowS) =>
    `| ${label} | ${f(claims / windowS)} | ${f(p.wal.syncs / p.seconds)} | ${f(x(p.wal.syncs / p.seconds, claims / windowS), 2)} | ${int(x(p.wal.bytes / p.seconds, claims / windowS))} | ${f(p.wal.commits / p.seconds)} |`;
  out(walRow('rush (HTTP)', rush.probe, rushS.created, durationMs / 1000));
  out(walRow('ceiling (pg)', ceiling.probe, c.ok * ceiling.replayK, durationMs / 1000));
  out(walRow('headroom (pg)', headroom.probe, h.ok, durationMs / 1000));
  for (const d of diag) out(walRow(`diag: ${d.label}`, d.probe, d.result.ok, DIAG_MS / 1000));
  out();
  out('"All commits" counts every transaction of the database, reads included (the service\'s two SELECTs per registration, the relay).');
  if (eventsTable) {
    out(
      `The events table after the run: ${int(eventsTable.rows)} rows in ${int(eventsTable.bytes / 1024)} KiB; ${int(eventsTable.upd)} row updates, ${f(x(eventsTable.hot, eventsTable.upd) * 100, 1)} % of them HOT (no index touched), ${int(eventsTable.dead)} dead row versions (statistics lag by up to a second).`,
    );
  }
  out();

  if (diag.length) {
    out(
      `### Diagnostics — the single-registration transaction (the design before group commit) and what bounds it (${DIAG_WARMUP_MS / 1000} s warm-up + ${DIAG_MS / 1000} s each)`,
    );
    out();
    out('| variant | workers on pool | tx/s | ÷ ceiling registrations/s | p50 ms | p99 ms | errors | what changes |');
    out('|---|--:|--:|--:|--:|--:|--:|---|');
    for (const d of diag) {
      out(
        `| ${d.label} | ${d.workers} on ${d.pool} | ${f(d.result.rate)} | ${f(x(d.result.rate, ceiling.registrationsPerS), 2)}× | ${f(d.result.p50, 2)} | ${f(d.result.p99, 2)} | ${d.result.errors} | ${d.explain} |`,
      );
    }
    out();
  }

  {
    const steps = ['pool', 'begin', 'claim', 'registration', 'outbox', 'notify', 'commit', 'held'];
    out('Client-side time per step of the seat-claim transaction (mean ms per transaction, measured window):');
    out();
    out(
      '| run | pool wait | BEGIN | UPDATE event (incl. lock wait) | INSERT registration | 2 × INSERT outbox | pg_notify | COMMIT | row lock held (UPDATE answer → COMMIT answer) | 1 / (tx/s) |',
    );
    out('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    const stepRow = (label, t, rate) =>
      `| ${label} | ${steps.map((k) => f(x(t[k] ?? NaN, t.count), 2)).join(' | ')} | ${f(1000 / rate, 2)} |`;
    for (const d of diag) out(stepRow(`diag: ${d.label}`, d.timings, d.result.rate));
    out();
    out(
      'With one hot row the lock is held from the UPDATE until COMMIT has finished, so "row lock held" is the time one seat claim keeps every other claim for the same event waiting; throughput cannot exceed 1 / that.',
    );
    out();
  }
  if (flush) {
    // One worker in a closed loop: mean latency = 1 / rate. The mean includes the slow flushes.
    const meanOn = 1000 / flush.on.rate;
    const meanOff = 1000 / flush.off.rate;
    const flushMs = meanOn - meanOff;
    out(
      `Commit flush probe (one connection, autocommit one-row INSERT, ${FLUSH_PROBE_MS / 1000} s each): synchronous_commit=on ${f(flush.on.rate)} /s (mean ${f(meanOn, 2)} ms, p50 ${f(flush.on.p50, 2)}, p99 ${f(flush.on.p99, 2)}); off for the session ${f(flush.off.rate)} /s (mean ${f(meanOff, 2)} ms, p50 ${f(flush.off.p50, 2)}, p99 ${f(flush.off.p99, 2)}). One WAL flush ≈ ${f(flushMs, 2)} ms on average (${f(flush.on.p50 - flush.off.p50, 2)} ms at the median). A row lock held through a synchronous commit changes hands at most once per flush: ≤ ${flushMs > 0 ? int(1000 / flushMs) : 'n/a'} seat claims/s per event from the flush alone, before any round trip.`,
    );
    out();
  }
  out('### Outbox relay');
  out();
  out(
    `Unpublished outbox rows: ${rush.backlogAfter} right after the rush (then ${rush.relay.left} after waiting ${f(rush.relay.waitedMs / 1000, 1)} s), ${ceiling.backlogAfter} after the ceiling, ${relayBeforeGet.left} before the GET phase (waited ${f(relayBeforeGet.waitedMs / 1000, 1)} s), ${finalBacklog} at the end. The relay runs in the service on the same pool and is woken by every commit's NOTIFY, in the rush and in the ceiling alike.`,
  );
  const errorLines = [
    ...[rushS, getS, helloS]
      .filter((s) => s.non2xx || s.errors)
      .map((s) => `- ${s.name}: statuses ${JSON.stringify(s.statuses)}${s.errors ? `, errors ${JSON.stringify(s.errorKinds)}` : ''}`),
    ...(c.errors ? [`- ceiling: ${JSON.stringify(c.errorKinds)}`] : []),
    ...diag.filter((d) => d.result.errors).map((d) => `- ${d.label}: ${JSON.stringify(d.result.errorKinds)}`),
  ];
  out();
  out(errorLines.length ? 'Non-2xx answers and errors:' : 'Non-2xx answers and errors: none.');
  for (const line of errorLines) out(line);
  const levels = Object.entries(service.output.levels)
    .map(([level, n]) => `${level === 'text' ? 'text' : `level ${level}`}: ${n}`)
    .join(', ');
  out(`Service log lines at LOG_LEVEL=warn: ${service.output.lines}${levels ? ` (${levels})` : ''}.`);
  if (service.output.lines) for (const line of service.output.tail.slice(-3)) out(`    ${line.slice(0, 300)}`);
}

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (err) {
  log(`failed: ${err.stack ?? err}`);
  await cleanup();
  process.exit(1);
}
