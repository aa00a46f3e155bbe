// Audit export and verification at scale: seeds N hash-chained entries (default 1,000,000) into a
// PostgreSQL database of the run's own, starts the built audit-service on it, and measures
//  - export throughput (entries/s) of GET /api/audit/export (NDJSON, streamed), against the bench
//    process reading the same rows in the same keyset batches straight from PostgreSQL (baseline);
//  - the service's peak RSS during the export, against its idle RSS just before (VmHWM);
//  - GET /api/audit/verify over 100,000 entries (the median of --verify-runs, default 3), against
//    the hash floor: sha256 over the same kept canonical bytes in the bench process, from memory
//    (no database, no transfer: what no verifier can beat); against recomputing the same hashes
//    from rows already in memory, re-serialising each (what verification cost before the
//    canonical bytes were kept); and against the service verifying the same entries without their
//    canonical bytes (as entries recorded before migration 0004 are);
//  - the offline verifier (dist/verify-export.js) over the whole export file.
// Usage: node bench/audit-export/run.mjs [--entries 1000000] [--verify-runs 3] > bench/results/audit-export-$(date +%F).md
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { isolatedDatabase } from '../lib-isolation.mjs';
import { runLifecycle } from '../lib-lifecycle.mjs';
import { spawnNode } from '../login/service.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(REPO, 'backend/audit-service/dist');
const { values } = parseArgs({
  options: { entries: { type: 'string', default: '1000000' }, 'verify-runs': { type: 'string', default: '3' } },
});
const VERIFY_RUNS = Math.max(1, Number(values['verify-runs']));
const N = Number(values.entries);
const VERIFY_N = Math.min(100_000, N);
const log = (m) => process.stderr.write(`${m}\n`);
const { cleanups, cleanup } = runLifecycle({ hardLimitMs: 30 * 60_000, log });
const { canonicalEntry, chainHash, entryHash, GENESIS_HASH } = await import(path.join(DIST, 'trail/hash-chain.js'));
const pg = (await import('pg')).default;

const vmKb = (pid, field) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))[1]);
const mb = (kb) => (kb / 1024).toFixed(1);
const rate = (n, ms) => Math.round((n / ms) * 1000);

try {
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const db = await isolatedDatabase('bench_audit', runId);
  cleanups.push(() => db.cleanup());

  // A JWKS of the bench's own, so that the service verifies the bench's admin token.
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  const jwksServer = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise((r) => jwksServer.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => jwksServer.close(r)));
  const token = await new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
    .setSubject(`usr_${'b'.repeat(25)}`)
    .setIssuer('secureevent')
    .setAudience('secureevent-api')
    .setIssuedAt()
    .setJti('bench')
    .setExpirationTime('2h')
    .sign(privateKey);

  log('starting the audit-service…');
  const service = await spawnNode({
    name: 'audit-service',
    main: path.join(DIST, 'main.js'),
    readyPath: '/readyz',
    tmpPrefix: 'bench-audit-',
    readyTimeoutMs: 90_000,
    env: { LOG_LEVEL: 'warn', DATABASE_URL: db.url, JWKS_URL: `http://127.0.0.1:${jwksServer.address().port}/` },
  });
  cleanups.push(() => service.stop());

  log(`seeding ${N} chained entries…`);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  cleanups.push(() => client.end());
  const seedStart = performance.now();
  let prev = GENESIS_HASH;
  const kept = [];
  for (let done = 0; done < N;) {
    const n = Math.min(5000, N - done);
    const cols = {
      id: [],
      type: [],
      source: [],
      subject: [],
      occurred: [],
      data: [],
      prev: [],
      hash: [],
      actor: [],
      action: [],
      canonical: [],
    };
    for (let i = 0; i < n; i++) {
      const k = done + i + 1;
      const actor = `usr_${String(k % 997).padStart(25, '0')}`;
      const fields = {
        id: `bench-${runId}-${k}`,
        type: 'registration.confirmed.v1',
        source: '/secureevent/event-service',
        subject: `reg_${String(k).padStart(25, '0')}`,
        occurredAt: new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString(),
        data: {
          registrationId: `reg_${String(k).padStart(25, '0')}`,
          eventId: `evt_${String(k % 101).padStart(25, '0')}`,
          actorId: actor,
          seats: k % 3,
        },
      };
      // As the service records an entry: the canonical bytes kept beside it, the hash over them.
      const canonical = canonicalEntry(fields);
      const hash = chainHash(prev, canonical);
      if (k <= VERIFY_N) kept.push({ ...fields, prevHash: prev, hash, canonical });
      cols.id.push(fields.id);
      cols.type.push(fields.type);
      cols.source.push(fields.source);
      cols.subject.push(fields.subject);
      cols.occurred.push(fields.occurredAt);
      cols.data.push(JSON.stringify(fields.data));
      cols.prev.push(prev);
      cols.hash.push(hash);
      cols.actor.push(actor);
      cols.action.push('registration.confirmed');
      cols.canonical.push(canonical);
      prev = hash;
    }
    await client.query(
      `insert into audit.entries (id, type, source, subject, occurred_at, data, prev_hash, hash, actor, action, canonical)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      [
        cols.id,
        cols.type,
        cols.source,
        cols.subject,
        cols.occurred,
        cols.data,
        cols.prev,
        cols.hash,
        cols.actor,
        cols.action,
        cols.canonical,
      ],
    );
    done += n;
    if (done % 100_000 === 0) log(`  ${done}`);
  }
  await client.query('analyze audit.entries');
  const seedMs = performance.now() - seedStart;

  log('baseline: reading the rows straight from PostgreSQL in keyset batches…');
  const baseStart = performance.now();
  let baseCount = 0;
  for (let after = 0; ;) {
    const { rows } = await client.query('select * from audit.entries where seq > $1 order by seq limit 1000', [after]);
    for (const r of rows) JSON.stringify(r);
    baseCount += rows.length;
    if (rows.length < 1000) break;
    after = rows.at(-1).seq;
  }
  const baseMs = performance.now() - baseStart;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-audit-export-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'export.ndjson');
  const idleKb = vmKb(service.pid, 'VmRSS');
  const hwmBeforeKb = vmKb(service.pid, 'VmHWM');
  let peakKb = idleKb;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, vmKb(service.pid, 'VmRSS'))), 50);
  log('exporting through the service…');
  const exportStart = performance.now();
  await new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: service.port, path: '/api/audit/export?format=ndjson', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`export answered ${res.statusCode}`));
        const out = createWriteStream(file);
        res.pipe(out);
        out.on('finish', resolve).on('error', reject);
      },
    );
    req.on('error', reject);
  });
  const exportMs = performance.now() - exportStart;
  clearInterval(sampler);
  const hwmAfterKb = vmKb(service.pid, 'VmHWM');

  const verifyThroughService = () =>
    new Promise((resolve, reject) =>
      http
        .get(
          {
            host: '127.0.0.1',
            port: service.port,
            path: `/api/audit/verify?from=1&to=${VERIFY_N}`,
            headers: { authorization: `Bearer ${token}` },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c)).on('end', () => resolve(JSON.parse(body)));
          },
        )
        .on('error', reject),
    );
  log(`verifying ${VERIFY_N} entries through the service, ${VERIFY_RUNS} times…`);
  const loadAtVerify = os.loadavg();
  const verifyRuns = [];
  for (let i = 0; i < VERIFY_RUNS; i++) {
    const verifyStart = performance.now();
    const answer = await verifyThroughService();
    if (!answer.valid || answer.entries !== VERIFY_N) throw new Error(`verify answered ${JSON.stringify(answer)}`);
    verifyRuns.push({ answer, wallMs: performance.now() - verifyStart });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const verifyMs = median(verifyRuns.map((r) => r.answer.durationMs));
  const verify = verifyRuns.find((r) => r.answer.durationMs === verifyMs).answer;
  const verifyWallMs = median(verifyRuns.map((r) => r.wallMs));
  // The hash floor: the same sha256 over the same kept bytes, in memory.
  const hashStart = performance.now();
  let hashPrev = GENESIS_HASH;
  for (const e of kept) {
    if (e.prevHash !== hashPrev || chainHash(e.prevHash, e.canonical) !== e.hash) throw new Error('bench chain broken');
    hashPrev = e.hash;
  }
  const hashFloorMs = performance.now() - hashStart;
  const floorStart = performance.now();
  let floorPrev = GENESIS_HASH;
  for (const e of kept) {
    if (e.prevHash !== floorPrev || entryHash(e.prevHash, e) !== e.hash) throw new Error('bench chain broken');
    floorPrev = e.hash;
  }
  const floorMs = performance.now() - floorStart;

  log('verifying the same entries without their canonical bytes (as entries from before they were kept)…');
  await client.query('update audit.entries set canonical = null where seq <= $1', [VERIFY_N]);
  await client.query('vacuum analyze audit.entries');
  const legacy = await verifyThroughService();
  if (!legacy.valid) throw new Error('legacy verify found the chain broken');

  log('verifying the export file offline…');
  const offlineStart = performance.now();
  const jwksUrl = `http://127.0.0.1:${service.port}/api/audit/.well-known/jwks.json`;
  const cli = spawn(process.execPath, [path.join(DIST, 'verify-export.js'), file, '--jwks', jwksUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let cliOut = '';
  cli.stdout.on('data', (c) => (cliOut += c));
  cli.stderr.on('data', (c) => (cliOut += c));
  const [cliCode] = await once(cli, 'exit');
  const offlineMs = performance.now() - offlineStart;

  const size = statSync(file).size;
  const lines = [
    `# Audit export and verification — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${N.toLocaleString('en')} entries seeded in ${(seedMs / 1000).toFixed(1)} s; machine load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end.`,
    '',
    '| figure | value | baseline | ratio |',
    '|---|--:|--:|--:|',
    `| export, entries/s (HTTP, NDJSON, ${(size / 1e6).toFixed(0)} MB) | ${rate(N, exportMs).toLocaleString('en')} | ${rate(baseCount, baseMs).toLocaleString('en')} (rows read straight from PostgreSQL) | ${(baseMs / exportMs).toFixed(2)}× |`,
    `| service RSS during export, peak (MB) | ${mb(Math.max(peakKb, hwmAfterKb > hwmBeforeKb ? hwmAfterKb : peakKb))} | ${mb(idleKb)} (idle, just before) | ${(Math.max(peakKb, hwmAfterKb) / idleKb).toFixed(2)}× |`,
    `| verify ${VERIFY_N.toLocaleString('en')} entries (service's own timing, median of ${VERIFY_RUNS}, ms) | ${verifyMs} | ${hashFloorMs.toFixed(0)} (hash floor: sha256 over the same kept bytes, in memory) | ${(verifyMs / hashFloorMs).toFixed(2)}× |`,
    `| verify ${VERIFY_N.toLocaleString('en')} entries, each run (ms) | ${verifyRuns.map((r) => r.answer.durationMs).join(', ')} | | |`,
    `| verify ${VERIFY_N.toLocaleString('en')} entries against re-serialising (ms) | ${verifyMs} | ${floorMs.toFixed(0)} (same hashes in memory, re-serialising each entry) | ${(verifyMs / floorMs).toFixed(2)}× |`,
    `| verify ${VERIFY_N.toLocaleString('en')} entries without kept canonical bytes (ms) | ${legacy.durationMs} | ${verifyMs} (with them, above) | ${(legacy.durationMs / verifyMs).toFixed(2)}× |`,
    `| verify, ms per 100,000 entries (target < 1,000) | ${((verifyMs / VERIFY_N) * 100_000).toFixed(0)} | ${((hashFloorMs / VERIFY_N) * 100_000).toFixed(0)} (hash floor per 100,000) | ${(verifyMs / hashFloorMs).toFixed(2)}× |`,
    `| verify ${VERIFY_N.toLocaleString('en')} entries, HTTP round trip (ms) | ${verifyWallMs.toFixed(0)} | | |`,
    `| offline verifier over the export, entries/s | ${rate(N, offlineMs).toLocaleString('en')} | | |`,
    '',
    `Load average when verification began: ${loadAtVerify.map((l) => l.toFixed(1)).join(' / ')} (the machine is shared: compare ratios within a run).`,
    '',
    `verify answered ${JSON.stringify({ valid: verify.valid, entries: verify.entries })}; the offline verifier exited ${cliCode}: \`${cliOut.trim()}\``,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await cleanup();
}
