#!/usr/bin/env node
// Door check-in benchmark (issue 15): 20 check-in points on one event of 5,000 attendees, against
// real PostgreSQL (+ Redis + RabbitMQ), one spawned event-service, one database of its own.
//   1  creates and publishes the event, registers 5,000 attendees through the API (their codes
//      come back on the registration), and gives them names with accents (the people rows the
//      user-service's messages would write, inserted directly);
//   2  baseline: GET /api/events/:id/checkins/stats from the same 20 points (the same token check
//      and manager check as a check-in, one count) for the same time;
//   3  by code: each point takes the next unchecked attendee and POSTs { code } (typed as people
//      type it: lower case with a dash) until its half of the attendees is in or time is up;
//   4  by search: each point searches the attendee's folded surname prefix, picks them from the
//      list and checks them in with their code (two requests per check-in, as the web page does).
// Prints one markdown report on stdout (progress on stderr); stops itself (hard limit 4 minutes).
//
//   node bench/checkin/run.mjs
//   node bench/checkin/run.mjs --attendees 2000 --points 10 --seconds 10
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { keepAliveAgent, percentile, request } from '../login/load.mjs';
import { newRunId } from '../login/service.mjs';
import { EVENT_SERVICE_MAIN, newUserId, prepareInfra, spawnNode, staleSources, startJwks } from '../registration-rush/infra.mjs';
import { runLifecycle } from '../lib-lifecycle.mjs';

const { values: args } = parseArgs({
  options: {
    attendees: { type: 'string', default: '5000' },
    points: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
  },
});
const attendees = Number(args.attendees);
const points = Number(args.points);
const phaseMs = Number(args.seconds) * 1000;
for (const [k, v] of Object.entries({ attendees, points, phaseMs })) if (!Number.isInteger(v) || v <= 0) throw new Error(`bad --${k}`);

const log = (m) => process.stderr.write(`[checkin-bench] ${m}\n`);
const { cleanups, cleanup } = runLifecycle({ hardLimitMs: 240_000, log });
const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const SURNAMES = ['Müller', 'Brontë', 'Łukasiewicz', 'Søndergaard', 'Núñez', 'Żółkiewski', 'Dvořák', 'Ødegård', 'Straße', 'Çelik'];
const FOLDED = ['muller', 'bronte', 'lukasiewicz', 'sondergaard', 'nunez', 'zolkiewski', 'dvorak', 'odegard', 'strasse', 'celik'];

/** Closed loop: `points` workers each take the next item and run `once(item)` until items or time run out. */
async function doorLoop(items, once, untilMs) {
  const latencies = [];
  const failures = new Map();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      if (performance.now() - started >= untilMs || next >= items.length) return;
      const item = items[next++];
      const t0 = performance.now();
      const outcome = await once(item).catch((err) => `error ${err.message}`);
      if (outcome === true) latencies.push(performance.now() - t0);
      else failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: points }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    done: latencies.length,
    perSecond: latencies.length / seconds,
    seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failures,
  };
}

try {
  const stale = staleSources();
  const notes = [];
  if (stale.length > 0)
    notes.push(`built before these sources changed (rebuild with npm run build:backend): ${stale.slice(0, 5).join(', ')}`);
  const runId = newRunId();
  const infra = await prepareInfra(runId, notes);
  cleanups.push(() => infra.teardown());
  const jwks = await startJwks();
  cleanups.push(() => jwks.close());
  const service = await spawnNode({
    name: 'event-service',
    main: EVENT_SERVICE_MAIN,
    readyPath: '/readyz',
    env: {
      ...infra.env,
      LOG_LEVEL: 'warn',
      TICKET_SECRET: randomBytes(32).toString('base64url'),
      JWKS_URL: jwks.url,
      ...(infra.env.AMQP_URL ? { SECUREEVENT_REQUIRE_EXTERNAL: '1' } : {}),
    },
  });
  cleanups.push(() => service.stop());
  const { port } = service;
  const organizerId = newUserId();
  const organizer = await jwks.sign(organizerId, ['organizer']);
  const auth = { authorization: `Bearer ${organizer}` };
  const agent = keepAliveAgent(Math.max(points, 16));
  cleanups.push(async () => agent.destroy());

  // ---- the event and its attendees ------------------------------------------------------------------
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  const created = await request({
    port,
    agent,
    method: 'POST',
    path: '/api/events',
    headers: auth,
    body: {
      title: `Door bench ${runId}`,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 8 * 3_600_000).toISOString(),
      timeZone: 'Europe/Berlin',
      venue: 'Hall',
      capacity: attendees,
    },
  });
  if (created.status !== 201) throw new Error(`POST /api/events: ${created.status} ${created.body}`);
  const eventId = JSON.parse(created.body).id;
  infra.eventIds.add(eventId);
  const published = await request({ port, agent, method: 'POST', path: `/api/events/${eventId}/publish`, headers: auth });
  if (published.status !== 200) throw new Error(`publish: ${published.status}`);

  log(`registering ${attendees} attendees`);
  const tokens = [];
  for (let i = 0; i < attendees; i += 512) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(512, attendees - i) }, async () => {
        const id = newUserId();
        return { id, token: await jwks.sign(id, ['attendee']) };
      }),
    );
    tokens.push(...batch);
  }
  const people = [];
  let cursor = 0;
  const regStart = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (cursor < tokens.length) {
        const i = cursor++;
        const { id, token } = tokens[i];
        const res = await request({
          port,
          agent,
          method: 'POST',
          path: `/api/events/${eventId}/registrations`,
          headers: { authorization: `Bearer ${token}` },
          body: {},
        });
        if (res.status !== 201) throw new Error(`register: ${res.status} ${res.body}`);
        const reg = JSON.parse(res.body);
        const tag = i.toString(36);
        people[i] = {
          userId: id,
          registrationId: reg.id,
          code: reg.ticketCode,
          name: `Ana ${SURNAMES[i % 10]}${tag}`,
          query: `${FOLDED[i % 10]}${tag}`,
        };
      }
    }),
  );
  log(`registered in ${f((performance.now() - regStart) / 1000)} s`);
  const admin = new pg.Pool({ connectionString: infra.dbUrl, max: 2 });
  cleanups.push(() => admin.end());
  for (let i = 0; i < people.length; i += 1000) {
    const slice = people.slice(i, i + 1000);
    await admin.query('insert into events.people (user_id, display_name, email) select * from unnest($1::text[], $2::text[], $3::text[])', [
      slice.map((p) => p.userId),
      slice.map((p) => p.name),
      slice.map((p) => `${p.userId}@bench.test`),
    ]);
  }

  // ---- baseline: the door's count read, same points, same time ---------------------------------------
  log('baseline: GET checkins/stats');
  const reads = Array.from({ length: 10_000_000 }, (_, i) => i);
  const baseline = await doorLoop(
    reads,
    async () =>
      (await request({ port, agent, path: `/api/events/${eventId}/checkins/stats`, headers: auth })).status === 200 || 'stats not 200',
    phaseMs,
  );

  // ---- by code, then by search, each on its own half of the attendees --------------------------------
  const shuffled = [...people].sort(() => Math.random() - 0.5);
  const half = Math.floor(shuffled.length / 2);
  const typed = (code) => `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase();
  const checkIn = async (code) => {
    const res = await request({ port, agent, method: 'POST', path: `/api/events/${eventId}/checkins`, headers: auth, body: { code } });
    return res.status === 201 || `check-in ${res.status}`;
  };
  log('by code');
  const byCode = await doorLoop(shuffled.slice(0, half), (p) => checkIn(typed(p.code)), phaseMs);
  log('by search');
  const searchLatencies = [];
  const bySearch = await doorLoop(
    shuffled.slice(half),
    async (p) => {
      const t0 = performance.now();
      const res = await request({
        port,
        agent,
        path: `/api/events/${eventId}/checkins/search?q=${encodeURIComponent(p.query)}&limit=20`,
        headers: auth,
      });
      searchLatencies.push(performance.now() - t0);
      if (res.status !== 200) return `search ${res.status}`;
      const hit = JSON.parse(res.body).items.find((h) => h.registrationId === p.registrationId);
      if (!hit) return 'not found by search';
      return checkIn(hit.ticketCode);
    },
    phaseMs,
  );
  const searchSorted = Float64Array.from(searchLatencies).sort();
  const { rows } = await admin.query(
    'select count(*)::int as n from events.registrations where event_id = $1 and checked_in_at is not null',
    [eventId],
  );

  // ---- report ----------------------------------------------------------------------------------------
  const line = (name, r) =>
    `| ${name} | ${r.done} | ${f(r.perSecond)} | ${f(r.perSecond / baseline.perSecond, 2)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.p99 / baseline.p99, 2)} | ${[...r.failures].map(([k, v]) => `${k}: ${v}`).join(', ') || '—'} |`;
  const out = [
    `# Door check-in bench — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${points} check-in points, one event of ${attendees} confirmed attendees, ${phaseMs / 1000} s a phase at most; real PostgreSQL, Redis, RabbitMQ; ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => f(l, 2))
      .join(' / ')} at the end.`,
    '',
    '| phase | done | per second | ratio to baseline | p50 ms | p99 ms | p99 ratio to baseline | failures |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    line('baseline: GET checkins/stats', baseline),
    line('check-in by code', byCode),
    line('check-in by search (search + check-in)', bySearch),
    '',
    `Search request alone: p50 ${f(percentile(searchSorted, 50))} ms, p99 ${f(percentile(searchSorted, 99))} ms (${searchSorted.length} searches; ratio of p99 to the baseline's ${f(percentile(searchSorted, 99) / baseline.p99, 2)}).`,
    `Checked in according to the database: ${rows[0].n} (by code ${byCode.done} + by search ${bySearch.done} = ${byCode.done + bySearch.done}).`,
    ...notes.map((n) => `- ${n}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await cleanup();
}
