// The database side of the registration-rush benchmark:
//   - the seat-claim transaction of backend/event-service/src/registrations/register-for-event.ts
//     (confirmed path) replayed with `pg`, statement for statement as Kysely compiles them;
//   - a closed-loop driver for it (same counting rules as bench/login/load.mjs runPhase);
//   - a pg_stat_activity sampler that shows where the service's connections wait;
//   - cluster WAL counters (pg_stat_wal) and server settings.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { percentile } from '../login/load.mjs';
import { newUserId } from './infra.mjs';

// Kysely's compiled SQL for register-for-event.ts (checked by compiling the same builders):
// the seat claim, the registration, two outbox rows (shared/src/messaging/outbox.ts) and NOTIFY.
export const SQL = {
  claimSeat:
    'update "events"."events" set "confirmed_count" = "confirmed_count" + $1 where "id" = $2 and "status" = $3 and "confirmed_count" < "capacity" and "waitlisted_count" = $4 returning *',
  insertRegistration:
    // The event's first ticket type (these diagnostics replay the one-type path; its counters are not kept).
    'insert into "events"."registrations" ("id", "event_id", "user_id", "status", "answers", "waitlist_seq", "confirmed_at", "promoted_at", "cancelled_at", "checked_in_at", "checked_in_by", "ticket_type_id") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, (select "id" from "events"."ticket_types" where "event_id" = $2 order by "position" limit 1)) returning *',
  insertOutbox: 'insert into "events"."outbox" (id, type, envelope) values ($1, $2, $3::jsonb)',
  notify: "select pg_notify($1, '')",
};

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const envelope = (type, subject, data) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/secureevent/event-service',
  type,
  time: new Date().toISOString(),
  subject,
  datacontenttype: 'application/json',
  traceparent: traceparent(),
  data,
});

/**
 * One confirmed registration for `eventId`, as the service's transaction does it: BEGIN, seat
 * claim (UPDATE … RETURNING * on the event row), INSERT registration, two outbox INSERTs
 * (registration.confirmed.v1 and event.availability_changed.v1 envelopes of the same shape),
 * pg_notify, COMMIT. Options for the diagnostics: `notify: false` leaves out the NOTIFY; `timings`
 * (an object) accumulates the client-side milliseconds of each step, and `held`: from the UPDATE's
 * answer to COMMIT's, the time the row lock is held as seen from node.
 */
export async function claimSeatTx(pool, eventId, { notify = true, timings } = {}) {
  let t = performance.now();
  const step = timings
    ? (name) => {
        const now = performance.now();
        timings[name] = (timings[name] ?? 0) + (now - t);
        t = now;
      }
    : () => undefined;
  const client = await pool.connect();
  step('pool');
  try {
    await client.query('begin', []);
    step('begin');
    const claimed = await client.query(SQL.claimSeat, [1, eventId, 'published', 0]);
    step('claim');
    const lockedAt = t;
    if (claimed.rowCount !== 1) throw new Error('no seat claimed (event full, not published or waitlist)');
    const ev = claimed.rows[0];
    const regId = newUserId('reg');
    const userId = newUserId('usr');
    const { rows } = await client.query(SQL.insertRegistration, [
      regId,
      eventId,
      userId,
      'confirmed',
      '{}',
      null,
      new Date(),
      null,
      null,
      null,
      null,
    ]);
    step('registration');
    const row = rows[0];
    const at = new Date().toISOString();
    const messages = [
      envelope('registration.confirmed.v1', regId, {
        registrationId: regId,
        eventId,
        userId,
        eventTitle: ev.title,
        startsAt: new Date(ev.starts_at).toISOString(),
        status: row.status,
        at,
      }),
      envelope('event.availability_changed.v1', eventId, {
        eventId,
        visibility: ev.visibility,
        capacity: ev.capacity,
        confirmed: ev.confirmed_count,
        seatsLeft: Math.max(0, ev.capacity - ev.confirmed_count),
        waitlisted: ev.waitlisted_count,
        at,
      }),
    ];
    for (const e of messages) await client.query(SQL.insertOutbox, [e.id, e.type, JSON.stringify(e)]);
    step('outbox');
    if (notify) await client.query(SQL.notify, ['outbox_events']);
    step('notify');
    await client.query('commit', []);
    step('commit');
    if (timings) {
      timings.held = (timings.held ?? 0) + (t - lockedAt);
      timings.count = (timings.count ?? 0) + 1;
    }
  } catch (err) {
    await client.query('rollback', []).catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Closed loop over an async operation: `workers` loops, each starting the next operation when the
 * previous one ends. Operations STARTED in the window after `warmupMs` are counted (in-flight
 * ones at the end are awaited), as in bench/login/load.mjs runPhase.
 */
export async function closedLoop({ workers, warmupMs, durationMs, op }) {
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const measureTo = measureFrom + durationMs;
  const latencies = [];
  const errors = new Map();
  let counter = 0;
  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= measureTo) return;
      try {
        await op(counter++);
        if (t0 >= measureFrom) latencies.push(performance.now() - t0);
      } catch (err) {
        if (t0 >= measureFrom) errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const sorted = Float64Array.from(latencies).sort();
  return {
    ok: sorted.length,
    errors: [...errors.values()].reduce((a, b) => a + b, 0),
    errorKinds: Object.fromEntries(errors),
    rate: sorted.length / (durationMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/**
 * Samples pg_stat_activity for `dbName` every `intervalMs` and classifies each client backend:
 *   holder-client  in a transaction that already wrote (has an xid: it holds the event row lock
 *                  in these workloads), idle — waiting for ITS CLIENT (node) to send the next statement
 *   holder-commit  has an xid, waiting on WAL write/flush (commit)
 *   holder-run     has an xid, running (no wait event) or another wait
 *   notify-lock    waiting on the NOTIFY queue lock (heavyweight lock on an `object`, taken at commit)
 *   row-wait       waiting on a row / transaction lock (the UPDATE of the hot event row)
 *   other-active   running without a write yet (SELECTs before the transaction, BEGIN, relay)
 *   in-tx-no-write idle in a transaction that has not written yet (after BEGIN)
 *   idle           connection idle in its pool
 * Returns { stop(): Promise<{ samples, avg: {category: mean backends} }> }.
 */
export function startActivitySampler(pool, dbName, intervalMs = 50) {
  const sums = new Map();
  let samples = 0;
  let running = true;
  const classify = (r) => {
    const wal = r.wait_event && /^WAL/.test(r.wait_event);
    if (r.state === 'active' && r.wait_event_type === 'Lock' && r.wait_event === 'object') return 'notify-lock';
    if (r.state === 'active' && r.wait_event_type === 'Lock') return 'row-wait';
    if (r.has_xid) {
      if (r.state === 'idle in transaction') return 'holder-client';
      if (wal) return 'holder-commit';
      return 'holder-run';
    }
    if (r.state === 'idle in transaction') return 'in-tx-no-write';
    if (r.state === 'active' && wal) return 'holder-commit';
    if (r.state === 'active') return 'other-active';
    return 'idle';
  };
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const { rows } = await pool.query(
          `select state, wait_event_type, wait_event, backend_xid is not null as has_xid
             from pg_stat_activity
            where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()
              and query not like 'LISTEN %'`,
          [dbName],
        );
        samples++;
        const counts = new Map();
        for (const r of rows) {
          const c = classify(r);
          counts.set(c, (counts.get(c) ?? 0) + 1);
        }
        for (const [c, n] of counts) sums.set(c, (sums.get(c) ?? 0) + n);
      } catch {
        // a missed sample is fine
      }
      const wait = intervalMs - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, avg: Object.fromEntries([...sums].map(([c, n]) => [c, n / Math.max(1, samples)])) };
    },
  };
}

export const ACTIVITY_CATEGORIES = [
  'row-wait',
  'holder-client',
  'holder-commit',
  'holder-run',
  'notify-lock',
  'other-active',
  'in-tx-no-write',
  'idle',
];

/** Cluster-wide WAL counters (PostgreSQL ≥ 14) and this database's commit count. */
export async function walCounters(pool, dbName) {
  const { rows } = await pool.query(
    `select w.wal_records::float8 as records, w.wal_bytes::float8 as bytes, w.wal_write::float8 as writes,
            w.wal_sync::float8 as syncs, w.wal_sync_time::float8 as sync_ms,
            (select xact_commit::float8 from pg_stat_database where datname = $1) as commits
       from pg_stat_wal w`,
    [dbName],
  );
  return { ...rows[0], at: performance.now() };
}

/** Differences of two walCounters() readings. */
export const walDelta = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - a[k]]));

/** Server settings that decide what a commit costs (read only; the bench changes none). */
export async function serverSettings(pool) {
  const names = [
    'server_version',
    'synchronous_commit',
    'fsync',
    'wal_sync_method',
    'commit_delay',
    'commit_siblings',
    'full_page_writes',
    'wal_level',
    'track_wal_io_timing',
    'max_connections',
    'shared_buffers',
    'data_directory',
  ];
  const out = {};
  for (const n of names) {
    try {
      out[n] = (await pool.query(`select current_setting($1) as v`, [n])).rows[0].v;
    } catch {
      out[n] = '?';
    }
  }
  return out;
}
