import { sql, type Expression, type SelectQueryBuilder, type SqlBool, type StringReference } from 'kysely';

/** The order of one column of a sort key. */
export type SortDirection = 'asc' | 'desc';

/**
 * One column of a keyset sort key and its order, e.g. `['created_at', 'desc']`. The last column
 * must make the key unique (an id), and no column may be NULL: a tie or a NULL would make rows
 * repeat or vanish between pages.
 */
export type KeysetColumn<C extends string = string> = readonly [column: C, direction: SortDirection];

/**
 * A position in a keyset: one value per key column, the sort key of the last row already seen.
 * A value is bound as a parameter, or, if it is an expression (e.g. a subquery reading an anchor
 * row), inlined: comparing in SQL keeps precision that a JS `Date` would drop.
 */
export type KeysetPosition = readonly unknown[];

// A plain value becomes a parameter; an expression is inlined (a subquery comes parenthesised).
const operand = (value: unknown) => sql`${value}`;

/**
 * The condition "sorts strictly after `after`" in the order `keys` describe. Keys that all run the
 * same way become one row comparison, `(a, b) > ($1, $2)`, which PostgreSQL answers from a matching
 * index; mixed directions expand to `a > $1 or (a = $1 and b < $2)`.
 */
export function keysetAfter(keys: readonly KeysetColumn[], after: KeysetPosition): Expression<SqlBool> {
  if (keys.length === 0) throw new Error('a keyset needs at least one key column');
  if (after.length !== keys.length) throw new Error(`a keyset position needs ${keys.length} values, got ${after.length}`);
  const direction = keys[0]![1];
  if (keys.every(([, d]) => d === direction)) {
    const columns = sql.join(keys.map(([c]) => sql.ref(c)));
    const values = sql.join(after.map(operand));
    return direction === 'asc' ? sql<SqlBool>`(${columns}) > (${values})` : sql<SqlBool>`(${columns}) < (${values})`;
  }
  const branches = keys.map(([column, d], i) => {
    const equal = keys.slice(0, i).map(([c], j) => sql`${sql.ref(c)} = ${operand(after[j])}`);
    const beyond = d === 'asc' ? sql`${sql.ref(column)} > ${operand(after[i])}` : sql`${sql.ref(column)} < ${operand(after[i])}`;
    return sql`(${sql.join([...equal, beyond], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
}

/**
 * Keyset paging on `query`: rows strictly after `after` (all rows when it is undefined), ordered
 * by `keys`, at most `limit` of them. Ask for one row more than the page to know whether another
 * page follows (`toPage`).
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  options: { keys: readonly KeysetColumn<StringReference<DB, TB> & string>[]; after: KeysetPosition | undefined; limit: number },
): SelectQueryBuilder<DB, TB, O> {
  let q = options.after ? query.where(keysetAfter(options.keys, options.after)) : query;
  for (const [column, direction] of options.keys) q = q.orderBy(sql.ref(column), direction);
  return q.limit(options.limit);
}
