import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { keysetAfter, keysetPage } from './keyset.js';

interface Db {
  items: { id: string; created_at: Date; rank: number };
}

// Compiles queries as PostgreSQL would receive them, without a connection.
const db = new Kysely<Db>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const at = new Date('2026-01-02T03:04:05.678Z');

describe('keysetPage', () => {
  it('when there is no position, then it only orders and limits', () => {
    const q = keysetPage(db.selectFrom('items').selectAll(), {
      keys: [
        ['created_at', 'asc'],
        ['id', 'asc'],
      ],
      after: undefined,
      limit: 11,
    }).compile();
    expect(q.sql).toBe('select * from "items" order by "created_at" asc, "id" asc limit $1');
    expect(q.parameters).toEqual([11]);
  });

  it('when every key runs ascending, then the position is one row comparison with >', () => {
    const q = keysetPage(db.selectFrom('items').selectAll(), {
      keys: [
        ['created_at', 'asc'],
        ['id', 'asc'],
      ],
      after: [at, 'b'],
      limit: 3,
    }).compile();
    expect(q.sql).toBe('select * from "items" where ("created_at", "id") > ($1, $2) order by "created_at" asc, "id" asc limit $3');
    expect(q.parameters).toEqual([at, 'b', 3]);
  });

  it('when every key runs descending, then the row comparison uses <', () => {
    const q = keysetPage(db.selectFrom('items').selectAll(), {
      keys: [
        ['created_at', 'desc'],
        ['id', 'desc'],
      ],
      after: [at, 'b'],
      limit: 3,
    }).compile();
    expect(q.sql).toBe('select * from "items" where ("created_at", "id") < ($1, $2) order by "created_at" desc, "id" desc limit $3');
  });

  it('when the directions are mixed, then each key gets its own comparison after equal earlier keys', () => {
    const q = keysetPage(db.selectFrom('items').selectAll(), {
      keys: [
        ['rank', 'desc'],
        ['created_at', 'asc'],
        ['id', 'asc'],
      ],
      after: [5, at, 'b'],
      limit: 3,
    }).compile();
    expect(q.sql).toBe(
      'select * from "items" where (("rank" < $1) or ("rank" = $2 and "created_at" > $3) or ("rank" = $4 and "created_at" = $5 and "id" > $6)) order by "rank" desc, "created_at" asc, "id" asc limit $7',
    );
    expect(q.parameters).toEqual([5, 5, at, 5, at, 'b', 3]);
  });

  it('when a position value is an expression, then it is inlined, not bound', () => {
    const anchor = db.selectFrom('items').select('created_at').where('id', '=', 'x');
    const q = db
      .selectFrom('items')
      .selectAll()
      .where(
        keysetAfter(
          [
            ['created_at', 'asc'],
            ['id', 'asc'],
          ],
          [anchor, 'x'],
        ),
      )
      .compile();
    expect(q.sql).toBe('select * from "items" where ("created_at", "id") > ((select "created_at" from "items" where "id" = $1), $2)');
    expect(q.parameters).toEqual(['x', 'x']);
  });

  it('when a qualified column is a key, then it is quoted per part', () => {
    const q = db
      .selectFrom('items as i')
      .selectAll()
      .where(keysetAfter([['i.id', 'asc']], ['b']))
      .compile();
    expect(q.sql).toBe('select * from "items" as "i" where ("i"."id") > ($1)');
  });

  it('when the position does not match the keys, then it throws instead of paging wrongly', () => {
    expect(() =>
      keysetAfter(
        [
          ['created_at', 'asc'],
          ['id', 'asc'],
        ],
        [at],
      ),
    ).toThrow(/needs 2 values/);
    expect(() => keysetAfter([], [])).toThrow(/at least one key/);
  });
});
