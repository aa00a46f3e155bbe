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
