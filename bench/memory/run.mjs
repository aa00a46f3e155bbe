#!/usr/bin/env node
// Embedded mode's memory: starts `node platform/dist/main.js` on a fresh DATA_DIR, reads its RSS
// (/proc, Linux) once idle and again after a load (sign-ups, events, registrations through the
// API), and prints both, also as a ratio to a bare Node process measured in the same run.
// Usage: node bench/memory/run.mjs [--events 50] [--people 50]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const EVENTS = Number(args.events ?? 50);
const PEOPLE = Number(args.people ?? 50);
const PORT = 18400 + Math.floor(Math.random() * 500);
const base = `http://127.0.0.1:${PORT}`;
const repo = path.resolve(import.meta.dirname, '../..');

/** RSS of a process and its children, in MiB. */
function rssMiB(pid) {
  const kb = (p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb(pid) / 1024);
}

async function idleRss(child, settleMs) {
  await sleep(settleMs);
  return rssMiB(child.pid);
}

async function waitFor(url, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await sleep(250);
  }
  throw new Error(`${url} did not answer`);
}

const api = async (method, url, body, token) => {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
};

// Baseline: a bare Node process, idle, on this machine in this run.
const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
const bareRss = await idleRss(bare, 2000);
bare.kill();

const admin = { email: 'bench-admin@secureevent.test', password: 'bench admin password' };
const started = Date.now();
const platform = spawn(process.execPath, ['platform/dist/main.js'], {
  cwd: repo,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'secureevent-memory-')),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    SIGNUPS_PER_IP_PER_HOUR: '100000',
    LOG_LEVEL: 'warn',
    METRICS_PORT: '0',
  },
});
try {
  await waitFor(`${base}/healthz`);
  const readyMs = Date.now() - started;
  const idle = await idleRss(platform, 10_000);

  const login = async (who) =>
    (await api('POST', '/api/auth/login', { email: who.email, password: who.password, tokenDelivery: 'body' })).accessToken;
  const adminToken = await login(admin);
  const eventIds = [];
  for (let i = 0; i < EVENTS; i++) {
    const starts = new Date(Date.now() + (i + 1) * 86_400_000);
    const event = await api(
      'POST',
      '/api/events',
      {
        title: `Memory bench ${i}`,
        description: 'Load for the memory bench. '.repeat(20),
        startsAt: starts.toISOString(),
        endsAt: new Date(starts.getTime() + 3_600_000).toISOString(),
        timeZone: 'Europe/Berlin',
        venue: 'Hall',
        capacity: PEOPLE,
      },
      adminToken,
    );
    await api('POST', `/api/events/${event.id}/publish`, {}, adminToken);
    eventIds.push(event.id);
  }
  for (let p = 0; p < PEOPLE; p++) {
    const person = { email: `bench-${p}-${Date.now()}@secureevent.test`, password: `bench password ${p}`, displayName: `Bench ${p}` };
    await api('POST', '/api/auth/register', person);
    const token = await login(person);
    for (const id of eventIds.slice(0, 10)) {
      await fetch(`${base}/api/events/${id}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `${p}-${id}` },
        body: JSON.stringify({ answers: {} }),
      });
    }
  }
  for (let i = 0; i < 5; i++) await api('GET', '/api/events');
  const afterLoad = await idleRss(platform, 5_000);

  const ratio = (n) => (n / bareRss).toFixed(1);
  console.log(`date ${new Date().toISOString()}  node ${process.version}  ready in ${readyMs} ms`);
  console.log(`baseline (bare node, idle)  ${bareRss} MiB`);
  console.log(`platform idle               ${idle} MiB  (${ratio(idle)}× baseline)`);
  console.log(
    `platform after load         ${afterLoad} MiB  (${ratio(afterLoad)}× baseline; ${EVENTS} events, ${PEOPLE} people × 10 registrations)`,
  );
} finally {
  platform.kill('SIGTERM');
}
