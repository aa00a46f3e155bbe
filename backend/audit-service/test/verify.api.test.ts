import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, loadSigningKeys, newId, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AuditDb } from '../src/db/schema.js';
import { auditService } from '../src/service.js';

/**
 * Verification hashes an entry's stored canonical bytes rather than re-serialising it: every edit
 * of a column or of those bytes must still break the entry it was made in, and entries from before
 * the bytes were kept must still verify from their columns.
 */
describe('audit verify over stored canonical bytes', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<AuditDb>;
  let stop: () => Promise<void>;
  let admin: { token: string };
  const seqs: number[] = [];

  const table = () => sql.id(sdb.schema, 'entries');
  const verify = async () =>
    (await request(app).get('/api/audit/verify').set('authorization', `Bearer ${admin.token}`).expect(200)).body as {
      valid: boolean;
      entries: number;
      firstBrokenSeq: number | null;
    };
  /** Applies `edit` to the entry at `seq`, verifies, and puts the row back as it was. */
  async function tampered(seq: number, edit: ReturnType<typeof sql>) {
    const before = await sql<Record<string, unknown>>`select * from ${table()} where seq = ${seq}`.execute(sdb.db);
    const row = before.rows[0]!;
    await sql`update ${table()} set ${edit} where seq = ${seq}`.execute(sdb.db);
    try {
      return await verify();
    } finally {
      await sql`update ${table()} set id = ${row.id}, type = ${row.type}, source = ${row.source}, subject = ${row.subject},
        occurred_at = ${row.occurred_at}, data = ${JSON.stringify(row.data)}::jsonb, canonical = ${row.canonical}, hash = ${row.hash}
        where seq = ${seq}`.execute(sdb.db);
    }
  }

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, auditService({ signingKey: await loadSigningKeys({}) }));
    app = started.app;
    sdb = started.sdb;
    stop = () => started.booted.stop();
    admin = await env.tokenFor({ roles: ['admin'] });
    for (let i = 0; i < 5; i++) {
      const m = createEnvelope('/secureevent/test', {
        type: 'registration.confirmed.v1',
        subject: newId('reg'),
        data: { n: i, nested: { b: 'x', a: [1, 2.5, null] }, note: 'é\u2028"' },
      });
      await env.publishRaw(m.type, m);
    }
    await vi.waitFor(
      async () => {
        const rows = await sql<{ seq: string }>`select seq from ${table()} order by seq`.execute(sdb.db);
        expect(rows.rows).toHaveLength(5);
        seqs.splice(0, seqs.length, ...rows.rows.map((r) => Number(r.seq)));
      },
      { timeout: 15_000, interval: 100 },
    );
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when nothing was changed, then the chain verifies, every entry with its canonical bytes kept', async () => {
    const kept = await sql<{ n: string }>`select count(*) as n from ${table()} where canonical is not null`.execute(sdb.db);
    expect(Number(kept.rows[0]!.n)).toBe(5);
    expect(await verify()).toMatchObject({ valid: true, entries: 5, firstBrokenSeq: null });
  });

  it.each([
    ['its data', sql`data = jsonb_set(data, '{n}', '99')`],
    ['a nested value of its data', sql`data = jsonb_set(data, '{nested,a,1}', '2.6')`],
    ['its subject', sql`subject = 'reg_forged'`],
    ['its subject to none', sql`subject = null`],
    ['its type', sql`type = 'registration.cancelled.v1'`],
    ['its id', sql`id = 'forged-id'`],
    ['when it occurred, by a millisecond', sql`occurred_at = occurred_at + interval '1 millisecond'`],
    ['its canonical bytes', sql`canonical = replace(canonical, '"n":2', '"n":7')`],
    ['its canonical bytes, to what is not JSON', sql`canonical = left(canonical, 10)`],
    ['its canonical bytes, to an instant that is none', sql`canonical = replace(canonical, '"occurredAt":"', '"occurredAt":"x')`],
    ['its canonical bytes and its data alike', sql`canonical = replace(canonical, '"n":2', '"n":7'), data = jsonb_set(data, '{n}', '7')`],
  ])('when someone edits %s in the database, then verification names that entry', async (_what, edit) => {
    const seq = seqs[2]!;
    expect(await tampered(seq, edit)).toMatchObject({ valid: false, firstBrokenSeq: seq });
  });

  it('when an entry was recorded before canonical bytes were kept, then it verifies from its columns, and an edit of them is still caught', async () => {
    await sql`update ${table()} set canonical = null where seq = ${seqs[1]!}`.execute(sdb.db);
    expect(await verify()).toMatchObject({ valid: true, entries: 5 });
    expect(await tampered(seqs[1]!, sql`data = jsonb_set(data, '{n}', '99')`)).toMatchObject({ valid: false, firstBrokenSeq: seqs[1] });
    expect(await verify()).toMatchObject({ valid: true, entries: 5 });
  });
});
