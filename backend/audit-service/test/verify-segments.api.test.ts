import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKeys, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AuditDb } from '../src/db/schema.js';
import { auditService } from '../src/service.js';
import { canonicalEntry, chainHash, GENESIS_HASH } from '../src/trail/hash-chain.js';

/** Enough entries that verification splits the range into parts verified in parallel (verify-trail.ts). */
const N = 20_400;

/**
 * A long range is verified in parallel parts: the link from each part's first entry to the part
 * before must still be checked, and the first broken entry named, wherever the parts meet.
 */
describe('audit verify of a long range, in parallel parts', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<AuditDb>;
  let stop: () => Promise<void>;
  let admin: string;
  let minSeq: number;

  const table = () => sql.id(sdb.schema, 'entries');
  const verify = async (query = '') =>
    (await request(app).get(`/api/audit/verify${query}`).set('authorization', `Bearer ${admin}`).expect(200)).body as {
      valid: boolean;
      entries: number;
      firstBrokenSeq: number | null;
      fromSeq: number | null;
      toSeq: number | null;
    };
  /** Applies `edit` to the entry at `seq` (and `also` to another), verifies, and puts the rows back. */
  async function tampered(edits: [number, ReturnType<typeof sql>][], query = '') {
    const saved = [];
    for (const [seq] of edits)
      saved.push((await sql<Record<string, unknown>>`select * from ${table()} where seq = ${seq}`.execute(sdb.db)).rows[0]!);
    for (const [seq, edit] of edits) await sql`update ${table()} set ${edit} where seq = ${seq}`.execute(sdb.db);
    try {
      return await verify(query);
    } finally {
      for (const row of saved) {
        await sql`update ${table()} set data = ${JSON.stringify(row.data)}::jsonb, canonical = ${row.canonical},
          hash = ${row.hash}, prev_hash = ${row.prev_hash} where seq = ${row.seq}`.execute(sdb.db);
      }
    }
  }

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, auditService({ signingKey: await loadSigningKeys({}) }));
    app = started.app;
    sdb = started.sdb;
    stop = () => started.booted.stop();
    admin = (await env.tokenFor({ roles: ['admin'] })).token;
    // Seeded as the service records entries: canonical bytes kept, each hash over them.
    let prev = GENESIS_HASH;
    for (let done = 0; done < N;) {
      const rows: string[][] = [[], [], [], [], [], [], [], [], []];
      for (let i = 0; i < 2000 && done + i < N; i++) {
        const k = done + i;
        const fields = {
          id: `seg-${k}`,
          type: 'registration.confirmed.v1',
          source: '/secureevent/event-service',
          subject: `reg_${k}`,
          occurredAt: new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString(),
          data: { n: k, note: 'é' },
        };
        const canonical = canonicalEntry(fields);
        const hash = chainHash(prev, canonical);
        const values = [
          fields.id,
          fields.type,
          fields.source,
          fields.subject,
          fields.occurredAt,
          JSON.stringify(fields.data),
          prev,
          hash,
          canonical,
        ];
        values.forEach((v, j) => rows[j]!.push(v));
        prev = hash;
      }
      await sql`insert into ${table()} (id, type, source, subject, occurred_at, data, prev_hash, hash, canonical)
        select * from unnest(${rows[0]}::text[], ${rows[1]}::text[], ${rows[2]}::text[], ${rows[3]}::text[], ${rows[4]}::timestamptz[],
          ${rows[5]}::jsonb[], ${rows[6]}::text[], ${rows[7]}::text[], ${rows[8]}::text[])`.execute(sdb.db);
      done += rows[0]!.length;
    }
    minSeq = Number((await sql<{ s: string }>`select min(seq) as s from ${table()}`.execute(sdb.db)).rows[0]!.s);
  }, 120_000);
  afterAll(async () => {
    await stop();
    await env.close();
  });

  /** Where the second part starts: the range is cut into four parts of equal length. */
  const secondPart = () => minSeq + Math.ceil(N / 4);

  it('when nothing was changed, then every entry of the long range verifies, first to last', async () => {
    expect(await verify()).toEqual(
      expect.objectContaining({ valid: true, entries: N, firstBrokenSeq: null, fromSeq: minSeq, toSeq: minSeq + N - 1 }),
    );
  });

  it.each([
    ['the last entry of the first part: its hash', () => secondPart() - 1, sql`hash = repeat('b', 64)`],
    ['an entry inside the third part: its data', () => secondPart() + Math.ceil(N / 4) + 17, sql`data = jsonb_set(data, '{n}', '-1')`],
  ])('when someone edits %s, then verification names that entry', async (_what, seq, edit) => {
    expect(await tampered([[seq(), edit]])).toMatchObject({ valid: false, entries: N, firstBrokenSeq: seq() });
  });

  // Deleting an entry leaves every row's own hash intact: only the link of the entry after it
  // breaks, and where the parts meet only the check across them sees it.
  it.each([
    ['the last entry of the first part', () => secondPart() - 1, () => secondPart()],
    ['the first entry of the second part', () => secondPart(), () => secondPart() + 1],
  ])('when someone deletes %s, then verification names the entry after it', async (_what, gone, named) => {
    const row = (await sql<Record<string, unknown>>`select * from ${table()} where seq = ${gone()}`.execute(sdb.db)).rows[0]!;
    await sql`delete from ${table()} where seq = ${gone()}`.execute(sdb.db);
    try {
      expect(await verify()).toMatchObject({ valid: false, entries: N - 1, firstBrokenSeq: named() });
    } finally {
      await sql`insert into ${table()} (seq, id, type, source, subject, occurred_at, recorded_at, data, prev_hash, hash, canonical)
        values (${row.seq}, ${row.id}, ${row.type}, ${row.source}, ${row.subject}, ${row.occurred_at}, ${row.recorded_at},
          ${JSON.stringify(row.data)}::jsonb, ${row.prev_hash}, ${row.hash}, ${row.canonical})`.execute(sdb.db);
    }
    expect(await verify()).toMatchObject({ valid: true, entries: N });
  });

  it('when entries in two parts are edited, then the earlier one is named, whichever part finishes first', async () => {
    const early = secondPart() + 3;
    const late = minSeq + N - 5;
    expect(
      await tampered([
        [late, sql`data = jsonb_set(data, '{n}', '-1')`],
        [early, sql`canonical = replace(canonical, '"n":', '"n":9')`],
      ]),
    ).toMatchObject({ valid: false, firstBrokenSeq: early });
  });

  it('when a range crosses where the parts of the whole chain meet, then exactly it is verified', async () => {
    const from = secondPart() - 10;
    expect(await verify(`?from=${from}&to=${from + 20}`)).toMatchObject({ valid: true, entries: 21, fromSeq: from, toSeq: from + 20 });
  });
});
