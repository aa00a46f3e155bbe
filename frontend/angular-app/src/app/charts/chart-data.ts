/** One series of a chart: a name and a value per label. */
export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/** What a chart shows: labels along the x axis and one or more series. */
export interface ChartData {
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
}

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** The `days` UTC days ending with the one `now` is in, oldest first. */
export function lastDays(days: number, now: Date = new Date()): string[] {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** How many of `instants` fall on each of `days` (instants outside them are not counted). */
export function countByDay(instants: readonly string[], days: readonly string[]): number[] {
  const counts = new Map(days.map((day) => [day, 0]));
  for (const instant of instants) {
    const day = dayOf(instant);
    const count = counts.get(day);
    if (count !== undefined) {
      counts.set(day, count + 1);
    }
  }
  return days.map((day) => counts.get(day) ?? 0);
}

/** Running totals: [1, 0, 2] → [1, 1, 3]. */
export function cumulative(values: readonly number[]): number[] {
  let total = 0;
  return values.map((value) => (total += value));
}

/** The ranges the admin overview offers: the last 24 hours by hour, the last 7 or 30 days by day. */
export type ChartRange = 'day' | 'week' | 'month';
export const CHART_RANGES: readonly ChartRange[] = ['day', 'week', 'month'];

/** The buckets of a range: their starts (instants) and the query that counts them. */
export interface RangeBuckets {
  readonly bucket: 'hour' | 'day';
  /** Each bucket's start, oldest first, as `toISOString()`; `from` is the first, `to` the end of the last. */
  readonly starts: readonly string[];
  readonly from: string;
  readonly to: string;
}

/**
 * The buckets of `range` ending with the one `now` is in, in the browser's time zone (a day starts
 * at local midnight, as PostgreSQL's `date_trunc(…, tz)` has it for the same zone).
 */
export function rangeBuckets(range: ChartRange, now: Date = new Date()): RangeBuckets {
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  if (range === 'day') {
    const h = now.getHours();
    const starts = Array.from({ length: 25 }, (_, i) =>
      new Date(y, m, d, h - 23 + i).toISOString(),
    );
    return { bucket: 'hour', starts: starts.slice(0, 24), from: starts[0], to: starts[24] };
  }
  const days = range === 'week' ? 7 : 30;
  const starts = Array.from({ length: days + 1 }, (_, i) =>
    new Date(y, m, d - days + 1 + i).toISOString(),
  );
  return { bucket: 'day', starts: starts.slice(0, days), from: starts[0], to: starts[days] };
}

/** Sums `counts` into the buckets that start at `starts` (counts at other instants are left out). */
export function sumByBucket(
  counts: readonly { readonly bucket: string; readonly count: number }[],
  starts: readonly string[],
): number[] {
  const index = new Map(starts.map((start, i) => [start, i]));
  const values = starts.map(() => 0);
  for (const c of counts) {
    const i = index.get(new Date(c.bucket).toISOString());
    if (i !== undefined) {
      values[i] += c.count;
    }
  }
  return values;
}
