import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysetPage, migrate, type KeysetColumn, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';

interface Db {
  items: { id: string; created_at: Date; rank: number };
}
type Item = { id: string; created_at: Date; rank: number };

/** Keyset paging against the database the environment selects (PostgreSQL when DATABASE_URL is set, PGlite otherwise). */
describe('keysetPage on a real database', () => {
  let env: TestEnv;
  let sdb: ServiceDb<Db>;
  const all: Item[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    sdb = env.database.forSchema<Db>('keyset_test');
    await migrate(sdb as ServiceDb<unknown>, {
      '0001_items': {
        async up(db: Kysely<unknown>) {
          await db.schema
            .createTable('items')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .addColumn('created_at', 'timestamptz(3)', (c) => c.notNull())
            .addColumn('rank', 'integer', (c) => c.notNull())
            .execute();
        },
      },
    });
    // 23 rows over 4 instants and 3 ranks: every page boundary falls inside a run of ties.
    const base = Date.parse('2026-03-01T10:00:00.000Z');
    for (let i = 0; i < 23; i++) {
      all.push({ id: `itm_${String((i * 7) % 23).padStart(2, '0')}`, created_at: new Date(base + (i % 4) * 1000), rank: i % 3 });
    }
    await sdb.db.insertInto('items').values(all).execute();
  });

  afterAll(async () => {
    await env.close();
  });

  async function pageThrough(keys: readonly KeysetColumn<'id' | 'created_at' | 'rank'>[], size: number) {
    const seen: Item[] = [];
    let after: unknown[] | undefined;
    let pages = 0;
    for (;;) {
      const rows = await keysetPage(sdb.db.selectFrom('items').selectAll(), { keys, after, limit: size + 1 }).execute();
      const page = rows.slice(0, size);
      seen.push(...page);
      pages += 1;
      if (rows.length <= size) break;
      const last = page.at(-1)!;
      after = keys.map(([c]) => last[c]);
    }
    return { seen, pages };
  }

  const sorted = (cmp: (a: Item, b: Item) => number) => [...all].sort(cmp).map((r) => r.id);
  const byTime = (a: Item, b: Item) => a.created_at.getTime() - b.created_at.getTime();
  const byId = (a: Item, b: Item) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  it('when paging ascending through ties, then every row comes once, in order, over more than two pages', async () => {
    const { seen, pages } = await pageThrough(
      [
        ['created_at', 'asc'],
        ['id', 'asc'],
      ],
      4,
    );
    expect(pages).toBe(6);
    expect(seen.map((r) => r.id)).toEqual(sorted((a, b) => byTime(a, b) || byId(a, b)));
  });

  it('when paging descending through ties, then every row comes once, newest first', async () => {
    const { seen, pages } = await pageThrough(
      [
        ['created_at', 'desc'],
        ['id', 'desc'],
      ],
      5,
    );
    expect(pages).toBe(5);
    expect(seen.map((r) => r.id)).toEqual(sorted((a, b) => byTime(b, a) || byId(b, a)));
  });

  it('when the key columns run in mixed directions, then the order still holds across pages', async () => {
    const { seen, pages } = await pageThrough(
      [
        ['rank', 'desc'],
        ['created_at', 'asc'],
        ['id', 'asc'],
      ],
      3,
    );
    expect(pages).toBe(8);
    expect(seen.map((r) => r.id)).toEqual(sorted((a, b) => b.rank - a.rank || byTime(a, b) || byId(a, b)));
  });
});
