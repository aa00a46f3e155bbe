import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createEnvelope,
  createLogger,
  loadSigningKeys,
  newId,
  personalValueRef,
  type ServiceDb,
  type SigningKeys,
} from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AuditDb } from '../src/db/schema.js';
import { auditService } from '../src/service.js';
import { archiveTrail } from '../src/trail/archive-trail.js';
import { verifyCsvExport, verifyNdjsonExport } from '../src/trail/verify-export.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('audit export, verification, search and retention', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<AuditDb>;
  let stop: () => Promise<void>;
  let keys: SigningKeys;
  let admin: { id: string; token: string };
  const actorA = newId('usr');
  const actorB = newId('usr');
  const published: string[] = [];

  const asAdmin = (url: string) => request(app).get(url).set('authorization', `Bearer ${admin.token}`);
  const jwks = async () => (await request(app).get('/api/audit/.well-known/jwks.json').expect(200)).body as { keys: object[] };
  const ndjsonLines = (text: string) => text.split('\n').filter((l) => l !== '');

  async function record(type: string, data: object, subject?: string) {
    const m = createEnvelope('/secureevent/test', { type, subject, data });
    await env.publishRaw(m.type, m);
    published.push(m.id);
    return m;
  }

  beforeAll(async () => {
    env = await createTestEnv();
    keys = await loadSigningKeys({});
    const started = await startServiceForTest(env, auditService({ signingKey: keys }));
    app = started.app;
    sdb = started.sdb;
    stop = () => started.booted.stop();
    admin = await env.tokenFor({ roles: ['admin'] });
    await record('event.published.v1', { eventId: newId('evt'), publishedBy: actorA }, '=HYPERLINK("http://evil")');
    await record('audit.recorded.v1', { actorId: actorB, action: 'user.login', targetId: null, outcome: 'failure' });
    await record('user.roles_changed.v1', { userId: actorB, roles: ['organizer'], changedBy: actorA });
    await record('audit.recorded.v1', { actorId: actorA, action: 'event.attendees_exported', targetId: null, outcome: 'success' });
    await record('event.cancelled.v1', { eventId: newId('evt'), cancelledBy: actorB, note: '＠SUM(1)' });
    await vi.waitFor(async () => expect((await asAdmin('/api/audit?limit=100').expect(200)).body.items).toHaveLength(published.length), {
      timeout: 15_000,
      interval: 100,
    });
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when the trail is exported as NDJSON, then every entry comes in chain order and the signed head verifies offline', async () => {
    const res = await asAdmin('/api/audit/export?format=ndjson').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = ndjsonLines(res.text);
    const entries = lines.slice(0, -1).map((l) => JSON.parse(l) as { seq: number; id: string });
    expect(entries.map((e) => e.id)).toEqual(published);
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    const last = JSON.parse(lines.at(-1)!) as { chainHead: { count: number; linked: boolean }; signature: string };
    expect(last.chainHead).toMatchObject({ count: published.length, linked: true });
    expect(res.headers['audit-chain-head']).toBe(last.signature);
    expect(await verifyNdjsonExport(lines, await jwks())).toMatchObject({ valid: true, entries: published.length });
  });

  it('when one exported entry is edited, then the verifier names its sequence number', async () => {
    const lines = ndjsonLines((await asAdmin('/api/audit/export').expect(200)).text);
    const third = JSON.parse(lines[2]!) as { seq: number; data: { roles: string[] } };
    third.data.roles = ['admin'];
    lines[2] = JSON.stringify(third);
    expect(await verifyNdjsonExport(lines, await jwks())).toMatchObject({ valid: false, firstBadSeq: third.seq });
  });

  it('when an entry is dropped from an export or the head is signed by another key, then the verifier refuses it', async () => {
    const lines = ndjsonLines((await asAdmin('/api/audit/export').expect(200)).text);
    const dropped = [...lines.slice(0, 1), ...lines.slice(2)];
    const verdict = await verifyNdjsonExport(dropped, await jwks());
    expect(verdict.valid).toBe(false);
    const otherKeys = await loadSigningKeys({});
    expect(await verifyNdjsonExport(lines, otherKeys.publicJwks())).toMatchObject({ valid: false, firstBadSeq: null });
  });

  it('when the trail is exported as CSV, then formula-like cells are neutralised and the Audit-Chain-Head header verifies it', async () => {
    const res = await asAdmin('/api/audit/export?format=csv').buffer(true).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(res.text).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(res.text).not.toMatch(/(^|,)"?＠/m);
    const head = res.headers['audit-chain-head'] as string;
    expect(await verifyCsvExport([res.text], head, await jwks())).toMatchObject({ valid: true, entries: published.length });
    // In CSV the JSON of `data` has its quotes doubled.
    const tampered = res.text.replace('""roles"":[""organizer""]', '""roles"":[""admin""]');
    expect(tampered).not.toBe(res.text);
    expect((await verifyCsvExport([tampered], head, await jwks())).valid).toBe(false);
  });

  it('when an export is filtered by actor, then only that actor’s entries come, unlinked, and they still verify', async () => {
    const lines = ndjsonLines((await asAdmin(`/api/audit/export?actor=${actorA}`).expect(200)).text);
    const entries = lines.slice(0, -1).map((l) => JSON.parse(l) as { actor: string });
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.actor === actorA)).toBe(true);
    expect(JSON.parse(lines.at(-1)!).chainHead).toMatchObject({ linked: false, count: 3, filter: { actor: actorA } });
    expect((await verifyNdjsonExport(lines, await jwks())).valid).toBe(true);
  });

  it('when the trail is searched by actor, action, outcome, text or time, then only matching entries come, newest first', async () => {
    const ids = async (q: string) => ((await asAdmin(`/api/audit?${q}`).expect(200)).body.items as { id: string }[]).map((e) => e.id);
    expect(await ids(`actor=${actorB}`)).toEqual([published[4], published[1]]);
    expect(await ids('action=user.login')).toEqual([published[1]]);
    expect(await ids('outcome=success')).toEqual([published[3]]);
    expect(await ids('q=ROLES_CHANGED')).toEqual([published[2]]);
    expect(await ids('to=2000-01-01T00:00:00Z')).toEqual([]);
    const page1 = (await asAdmin(`/api/audit?actor=${actorA}&limit=2`).expect(200)).body as { items: { id: string }[]; nextCursor: string };
    const page2 = (await asAdmin(`/api/audit?actor=${actorA}&limit=2&cursor=${page1.nextCursor}`).expect(200)).body as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    expect([...page1.items, ...page2.items].map((e) => e.id)).toEqual([published[3], published[2], published[0]]);
    expect(page2.nextCursor).toBeNull();
  });

  it('when a filter is malformed, then 400 problem+json names the field', async () => {
    for (const q of ['actor=bob', 'from=yesterday', 'outcome=maybe', 'q=%00', 'format=xml']) {
      const res = await asAdmin(`/api/audit/export?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('when a range is verified, then only its entries count, and a tampered entry inside it is named while one outside is not', async () => {
    const all = ((await asAdmin('/api/audit?limit=100').expect(200)).body.items as { seq: number; id: string }[]).reverse();
    const [s1, s2, s3, s4] = all.map((e) => e.seq);
    expect((await asAdmin(`/api/audit/verify?from=${s2}&to=${s3}`).expect(200)).body).toMatchObject({
      valid: true,
      entries: 2,
      fromSeq: s2,
      toSeq: s3,
    });
    await sql`update ${sql.id(sdb.schema, 'entries')} set data = data || '{"tampered":true}'::jsonb where seq = ${String(s4)}`.execute(
      sdb.db,
    );
    try {
      expect((await asAdmin(`/api/audit/verify?from=${s1}&to=${s3}`).expect(200)).body).toMatchObject({ valid: true, entries: 3 });
      expect((await asAdmin(`/api/audit/verify?from=${s3}`).expect(200)).body).toMatchObject({ valid: false, firstBrokenSeq: s4 });
      const byTime = (await asAdmin('/api/audit/verify?from=2000-01-01T00:00:00Z').expect(200)).body as { firstBrokenSeq: number };
      expect(byTime.firstBrokenSeq).toBe(s4);
    } finally {
      await sql`update ${sql.id(sdb.schema, 'entries')} set data = data - 'tampered' where seq = ${String(s4)}`.execute(sdb.db);
    }
    expect((await asAdmin('/api/audit/verify').expect(200)).body).toMatchObject({ valid: true, firstBrokenSeq: null });
  });

  it('when a non-admin asks for the export or a verification, then 403; the public keys are public', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    for (const url of ['/api/audit/export', '/api/audit/verify?from=1']) {
      expect((await request(app).get(url).set('authorization', `Bearer ${organizer.token}`)).status).toBe(403);
      expect((await request(app).get(url)).status).toBe(401);
    }
    const body = await jwks();
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).not.toHaveProperty('d');
  });

  it('when the shipped verifier is run on an export file, then it says valid, and names the first bad entry of a tampered copy', async () => {
    const cli = path.join(here, '../dist/verify-export.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-export-'));
    try {
      const text = (await asAdmin('/api/audit/export').expect(200)).text;
      writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(await jwks()));
      writeFileSync(path.join(dir, 'good.ndjson'), text);
      const lines = ndjsonLines(text);
      const second = JSON.parse(lines[1]!) as { seq: number; type: string };
      second.type = 'audit.nothing_happened.v1';
      lines[1] = JSON.stringify(second);
      writeFileSync(path.join(dir, 'bad.ndjson'), `${lines.join('\n')}\n`);
      const good = spawnSync(process.execPath, [cli, path.join(dir, 'good.ndjson'), '--jwks', path.join(dir, 'keys.json')], {
        encoding: 'utf8',
      });
      expect(good.stderr).toBe('');
      expect(good.stdout).toMatch(new RegExp(`^valid: ${published.length} entries`));
      expect(good.status).toBe(0);
      const bad = spawnSync(process.execPath, [cli, path.join(dir, 'bad.ndjson'), '--jwks', path.join(dir, 'keys.json')], {
        encoding: 'utf8',
      });
      expect(bad.stdout).toContain(`first bad sequence number ${second.seq}`);
      expect(bad.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when an entry records before/after with a personal value, then CSV shows it readably without the value, and an edited changes cell is caught', async () => {
    const key = { keyId: newId('ask'), secret: randomBytes(32) };
    const subject = newId('reg');
    const m = await record(
      'audit.recorded.v1',
      {
        actorId: actorA,
        action: 'event.updated',
        targetId: subject,
        outcome: 'success',
        changes: [
          { field: 'status', from: 'pending', to: '=confirmed' },
          { field: 'answers', from: null, to: personalValueRef(key, { diet: 'vegan' }) },
        ],
        requestId: 'req-1',
      },
      subject,
    );
    await vi.waitFor(async () => expect((await asAdmin(`/api/audit?subject=${subject}`).expect(200)).body.items).toHaveLength(1), {
      timeout: 10_000,
    });
    const ndjson = ndjsonLines((await asAdmin('/api/audit/export').expect(200)).text);
    const entry = JSON.parse(ndjson.find((l) => l.includes(m.id))!) as { seq: number; data: { changes: unknown[]; requestId: string } };
    expect(entry.data.changes[1]).toMatchObject({ field: 'answers', to: { keyId: key.keyId } });
    expect(entry.data.requestId).toBe('req-1');
    expect(ndjson.join('\n')).not.toContain('vegan');

    const res = await asAdmin('/api/audit/export?format=csv').buffer(true).expect(200);
    const head = res.headers['audit-chain-head'] as string;
    const rows = parseCsv<Record<string, string>>(res.text, { bom: true, columns: true });
    const row = rows.find((r) => r.id === m.id)!;
    const ref = (entry.data.changes[1] as { to: { hmac: string } }).to;
    // Starts like a formula? No: the field name leads. The value keeps its JSON quotes.
    expect(row.changes).toBe(`status: "pending" → "=confirmed"; answers: null → [personal data #${ref.hmac.slice(0, 8)}]`);
    expect(await verifyCsvExport([res.text], head, await jwks())).toMatchObject({ valid: true });

    const edited = rows.map((r) => (r.id === m.id ? { ...r, changes: r.changes!.replace('"=confirmed"', '"rejected"') } : r));
    const editedCsv = stringifyCsv(edited, { header: true, columns: Object.keys(rows[0]!) });
    expect(await verifyCsvExport([editedCsv], head, await jwks())).toMatchObject({ valid: false, firstBadSeq: entry.seq });

    // An export made before the changes column existed still verifies.
    const legacy = stringifyCsv(
      rows.map(({ changes: _changes, ...r }) => r),
      { header: true, columns: Object.keys(rows[0]!).filter((c) => c !== 'changes') },
    );
    expect(await verifyCsvExport([legacy], head, await jwks())).toMatchObject({ valid: true });
  });

  // Last: it deletes the chain's prefix.
  it('when retention archives old entries, then they leave the chain for a signed archive file, and the chain still verifies across the gap', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-archive-'));
    try {
      const before = ((await asAdmin('/api/audit?limit=100').expect(200)).body.items as { seq: number }[]).length;
      // Everything recorded so far is "old": archive up to now.
      const result = await archiveTrail(
        { db: sdb.db, keys, archiveDir: dir, logger: createLogger('test', { level: 'silent' }) },
        new Date(Date.now() + 1000),
      );
      expect(result.archived).toBe(before);
      const remaining = (await asAdmin('/api/audit?limit=100').expect(200)).body.items as { type: string; data: { count: number } }[];
      expect(remaining).toHaveLength(1);
      expect(remaining[0]).toMatchObject({ type: 'audit.archived.v1', data: { count: before } });
      expect((await asAdmin('/api/audit/verify').expect(200)).body).toMatchObject({ valid: true, entries: 1 });

      await record('event.published.v1', { eventId: newId('evt'), publishedBy: actorA });
      await vi.waitFor(async () => expect((await asAdmin('/api/audit?limit=100').expect(200)).body.items).toHaveLength(2), {
        timeout: 10_000,
      });
      expect((await asAdmin('/api/audit/verify').expect(200)).body).toMatchObject({ valid: true, entries: 2 });

      const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
      expect(files).toHaveLength(1);
      const archived = ndjsonLines(readFileSync(path.join(dir, files[0]!), 'utf8'));
      expect(archived).toHaveLength(before + 1);
      expect(await verifyNdjsonExport(archived, await jwks())).toMatchObject({ valid: true, entries: before });

      // Deleting the tombstone's predecessor link (the archived range's last hash) is caught.
      await sql`update ${sql.id(sdb.schema, 'entries')} set data = jsonb_set(data, '{lastHash}', ${JSON.stringify('0'.repeat(63) + '1')}::jsonb) where type = 'audit.archived.v1'`.execute(
        sdb.db,
      );
      expect((await asAdmin('/api/audit/verify').expect(200)).body.valid).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
