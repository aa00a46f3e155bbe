#!/usr/bin/env node
// Login-storm benchmark for the user-service: does argon2 sign-in work starve the cheap
// authenticated routes? One run measures three phases against one spawned service:
//   A  GET /api/users/me alone          (baseline for the cheap route)
//   B  POST /api/auth/login alone       (baseline for sign-in)
//   C  both at once                     (mixed)
// and prints latency percentiles, throughput, non-2xx counts and the mixed/alone RATIOS.
// Figures are only comparable within one run (same machine, same moment); see bench/README.md.
//
//   node bench/login/run.mjs            embedded: PGlite, in-memory cache, in-process messages
//   node bench/login/run.mjs --real     local PostgreSQL, Redis and RabbitMQ (created + removed)
//
// Options: --duration <s> (10) --warmup <s> (2) --users <n> (16, < 20) --me-connections <n> (16)
//          --login-connections <n> (8)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { keepAliveAgent, request, runPhase } from './load.mjs';
import { addressPrefixOf, newRunId, prepareRealInfra, REPO, scrapeMetrics, startService, staleSources } from './service.mjs';
import { runLifecycle } from '../lib-lifecycle.mjs';

const { values: args } = parseArgs({
  options: {
    real: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    users: { type: 'string', default: '16' },
    'me-connections': { type: 'string', default: '16' },
    'login-connections': { type: 'string', default: '8' },
  },
});
const durationMs = Number(args.duration) * 1000;
const warmupMs = Number(args.warmup) * 1000;
const userCount = Number(args.users);
const meConnections = Number(args['me-connections']);
const loginConnections = Number(args['login-connections']);
for (const [name, v] of Object.entries({ durationMs, warmupMs, userCount, meConnections, loginConnections })) {
  if (!Number.isFinite(v) || v < 0 || (name !== 'warmupMs' && v === 0)) throw new Error(`bad option ${name}: ${v}`);
}
if (userCount > 200) throw new Error('--users: at most 200');

const mode = args.real ? 'real (PostgreSQL + Redis + RabbitMQ on loopback)' : 'embedded (PGlite + in-memory cache + in-process messages)';
const runId = newRunId();
const addressPrefix = addressPrefixOf(runId);
const out = (line = '') => process.stdout.write(`${line}\n`);
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// ---- cleanup and a hard time limit: the run always stops by itself --------------------------
const hardLimitMs = Math.max(120_000, 3 * (warmupMs + durationMs) + 80_000);
const { cleanups, cleanup } = runLifecycle({ hardLimitMs, log });

// ---- helpers ---------------------------------------------------------------------------------
const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Busy and total jiffies of all CPUs (Linux /proc/stat), to see how much OTHER processes used. */
const machineCpu = () => {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3] + (n[4] ?? 0);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
};
const gitDescribe = () => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).trim();
    return `${head}${dirty ? ' (working tree has uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
};

async function main() {
  const startedAt = new Date();
  const cpus = os.cpus();
  const loadBefore = os.loadavg();
  const notes = [];
  const stale = staleSources();
  if (stale.length) {
    notes.push(`dist may be stale: ${stale.length} source file(s) newer than their build (e.g. ${stale[0]}); run npm run build:backend`);
  }

  // ---- service ---------------------------------------------------------------------------------
  let extraEnv = {};
  if (args.real) {
    log('preparing PostgreSQL database, RabbitMQ vhost, Redis');
    const infra = await prepareRealInfra(runId, addressPrefix, notes);
    cleanups.push(() => infra.teardown());
    extraEnv = infra.env;
  }
  const adminPassword = `Adm-${randomBytes(12).toString('base64url')}`;
  const t0 = Date.now();
  log(`starting user-service (${args.real ? 'real' : 'embedded'})`);
  const service = await startService({ extraEnv, adminEmail: `admin-${runId}@bench.invalid`, adminPassword });
  cleanups.push(() => service.stop());
  const startupMs = Date.now() - t0;
  const { port } = service;
  log(`ready on 127.0.0.1:${port} (pid ${service.pid}) after ${startupMs} ms`);

  // ---- users (each from its own address: sign-ups are limited to 20 per IP per hour) --------------
  const setupAgent = keepAliveAgent(4);
  const users = Array.from({ length: userCount }, (_, i) => ({
    email: `bench-${runId}-${i}@bench.invalid`,
    password: `Pw-${randomBytes(12).toString('base64url')}`,
    address: `${addressPrefix}${(i + 1).toString(16)}`,
  }));
  const t1 = Date.now();
  for (let i = 0; i < users.length; i += 4) {
    await Promise.all(
      users.slice(i, i + 4).map(async (u, j) => {
        const res = await request({
          port,
          agent: setupAgent,
          method: 'POST',
          path: '/api/auth/register',
          headers: { 'x-forwarded-for': u.address },
          body: { email: u.email, password: u.password, displayName: `Bench user ${i + j}` },
        });
        if (res.status !== 201) throw new Error(`register ${u.email}: ${res.status} ${res.body}`);
      }),
    );
  }
  const registerMs = Date.now() - t1;
  const loginBody = (u) => ({ email: u.email, password: u.password });
  const first = await request({
    port,
    agent: setupAgent,
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'x-forwarded-for': users[0].address },
    body: loginBody(users[0]),
  });
  if (first.status !== 200) throw new Error(`login: ${first.status} ${first.body}`);
  const token = JSON.parse(first.body).accessToken;
  const me = await request({ port, agent: setupAgent, path: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
  if (me.status !== 200) throw new Error(`/api/users/me: ${me.status} ${me.body}`);
  setupAgent.destroy();
  log(`${userCount} users registered in ${registerMs} ms; token obtained`);

  // ---- scenarios -------------------------------------------------------------------------------
  const meScenario = {
    name: 'GET /api/users/me',
    connections: meConnections,
    next: () => ({ path: '/api/users/me', headers: { authorization: `Bearer ${token}` } }),
  };
  const loginScenario = {
    name: 'POST /api/auth/login',
    connections: loginConnections,
    next: (i) => {
      const u = users[i % users.length];
      return { method: 'POST', path: '/api/auth/login', headers: { 'x-forwarded-for': u.address }, body: loginBody(u) };
    },
  };
  const phases = [
    { id: 'A', label: '/me alone', scenarios: [meScenario] },
    { id: 'B', label: 'login alone', scenarios: [loginScenario] },
    { id: 'C', label: 'mixed', scenarios: [meScenario, loginScenario] },
  ];
  for (const phase of phases) {
    log(`phase ${phase.id} (${phase.label}): ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s`);
    const before = await scrapeMetrics(port);
    const machine0 = machineCpu();
    const client0 = process.cpuUsage();
    const wall0 = performance.now();
    const result = await runPhase({ port, scenarios: phase.scenarios, warmupMs, durationMs });
    const wallS = (performance.now() - wall0) / 1000;
    const client = process.cpuUsage(client0);
    const machine1 = machineCpu();
    const after = await scrapeMetrics(port);
    phase.result = result;
    const clientPercent = ((client.user + client.system) / 1e6 / wallS) * 100;
    const serverPercent = ((after.cpuSeconds - before.cpuSeconds) / wallS) * 100;
    // All CPUs busy, in % of one core (200 % = both cores of a 2-core machine).
    const machinePercent =
      machine0 && machine1 ? ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cpus.length * 100 : NaN;
    phase.machine = { busyPercent: machinePercent, othersPercent: machinePercent - serverPercent - clientPercent, clientPercent };
    phase.server = {
      cpuPercent: serverPercent,
      loopP99Ms: after.loopP99Ms,
      loopMaxMs: after.loopMaxMs,
      rssMb: after.rssMb,
    };
    await sleep(1000);
  }
  const loadAfter = os.loadavg();

  // ---- report ----------------------------------------------------------------------------------
  const get = (id, name) => phases.find((p) => p.id === id).result.scenarios.find((s) => s.name === name);
  const meA = get('A', meScenario.name);
  const meC = get('C', meScenario.name);
  const loginB = get('B', loginScenario.name);
  const loginC = get('C', loginScenario.name);

  out(`## Login benchmark — ${startedAt.toISOString()}`);
  out();
  out(`- mode: ${mode}`);
  out(
    `- node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? '?'}), availableParallelism ${os.availableParallelism()}`,
  );
  out(`- load average before/after: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} / ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  out(
    `- commit ${gitDescribe()}; service pid ${service.pid}, ready after ${startupMs} ms; ${userCount} users registered in ${registerMs} ms`,
  );
  out(
    `- each phase: ${warmupMs / 1000} s warm-up (discarded) + ${durationMs / 1000} s measured; closed loop (one request in flight per connection), load generator in this process on the same CPUs`,
  );
  for (const note of notes) out(`- ${note}`);
  out();
  out('| phase | route | conns | 2xx | non-2xx | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |');
  out('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const phase of phases) {
    for (const s of phase.result.scenarios) {
      out(
        `| ${phase.id} ${phase.label} | ${s.name} | ${s.connections} | ${s.ok} | ${s.non2xx} | ${s.errors} | ${f(s.rps)} | ${f(s.p50, 2)} | ${f(s.p95, 2)} | ${f(s.p99, 2)} | ${f(s.max, 2)} |`,
      );
    }
  }
  out();
  out('| ratio (mixed / alone, same run) | value |');
  out('|---|--:|');
  out(`| login p95: C / B | ${ratio(loginC.p95, loginB.p95)} |`);
  out(`| /me p99: C / A | ${ratio(meC.p99, meA.p99)} |`);
  out(`| /me p50: C / A | ${ratio(meC.p50, meA.p50)} |`);
  out(`| login/s: C / B | ${ratio(loginC.rps, loginB.rps)} |`);
  out(`| /me req/s: C / A | ${ratio(meC.rps, meA.rps)} |`);
  out();
  out(
    '| phase | server CPU % | server loop-delay p99 / max ms | server RSS MB | bench client CPU % | client loop-delay p99 / max ms | machine busy % | other processes CPU % |',
  );
  out('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const p of phases) {
    out(
      `| ${p.id} ${p.label} | ${f(p.server.cpuPercent, 0)} | ${f(p.server.loopP99Ms)} / ${f(p.server.loopMaxMs)} | ${f(p.server.rssMb, 0)} | ${f(p.machine.clientPercent, 0)} | ${f(p.result.client.loopP99Ms)} / ${f(p.result.client.loopMaxMs)} | ${f(p.machine.busyPercent, 0)} | ${f(p.machine.othersPercent, 0)} |`,
    );
  }
  out();
  const nonOk = phases.flatMap((p) =>
    p.result.scenarios
      .filter((s) => s.non2xx > 0 || s.errors > 0)
      .map(
        (s) => `- ${p.id} ${s.name}: statuses ${JSON.stringify(s.statuses)}${s.errors ? `, errors ${JSON.stringify(s.errorKinds)}` : ''}`,
      ),
  );
  out(nonOk.length ? 'Non-2xx answers and errors:' : 'Non-2xx answers and errors: none.');
  for (const line of nonOk) out(line);
  const levels = Object.entries(service.output.levels)
    .map(([level, n]) => `${level === 'text' ? 'text' : `level ${level}`}: ${n}`)
    .join(', ');
  out(`Service log lines at LOG_LEVEL=warn: ${service.output.lines}${levels ? ` (${levels})` : ''}.`);
  out();
  out(
    `CPU % is of one core (${cpus.length * 100} % = all ${cpus.length} cores), over warm-up + measurement. Loop delay: the service's own`,
  );
  out("prom-client event-loop lag over the phase (10 ms resolution), and this process's over the measured window.");
  out('"Other processes" = machine busy − service − bench client: load from anything else on the machine (e.g. other test runs).');
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
