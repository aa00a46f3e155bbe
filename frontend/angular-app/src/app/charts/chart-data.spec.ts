import { countByDay, cumulative, lastDays, rangeBuckets, sumByBucket } from './chart-data';

describe('chart data', () => {
  it('lastDays: the UTC days ending today, oldest first', () => {
    expect(lastDays(3, new Date('2030-03-10T23:30:00Z'))).toEqual([
      '2030-03-08',
      '2030-03-09',
      '2030-03-10',
    ]);
  });

  it('countByDay: counts instants per UTC day and ignores days outside the range', () => {
    const days = ['2030-03-09', '2030-03-10'];
    const instants = [
      '2030-03-09T01:00:00Z',
      '2030-03-10T10:00:00Z',
      '2030-03-10T23:59:59Z',
      '2030-02-01T00:00:00Z',
    ];
    expect(countByDay(instants, days)).toEqual([1, 2]);
  });

  it('cumulative: running totals', () => {
    expect(cumulative([1, 0, 2, 3])).toEqual([1, 1, 3, 6]);
  });

  it('rangeBuckets: 24 hours by hour or 7 and 30 days by local day, ending with the current one', () => {
    const now = new Date(2030, 2, 10, 12, 30);
    const day = rangeBuckets('day', now);
    expect(day.bucket).toBe('hour');
    expect(day.starts).toHaveLength(24);
    expect(day.starts.at(-1)).toBe(new Date(2030, 2, 10, 12).toISOString());
    expect(day.to).toBe(new Date(2030, 2, 10, 13).toISOString());
    const week = rangeBuckets('week', now);
    expect(week.bucket).toBe('day');
    expect(week.starts).toEqual(
      [4, 5, 6, 7, 8, 9, 10].map((d) => new Date(2030, 2, d).toISOString()),
    );
    expect(week.from).toBe(week.starts[0]);
    expect(week.to).toBe(new Date(2030, 2, 11).toISOString());
    expect(rangeBuckets('month', now).starts).toHaveLength(30);
  });

  it('sumByBucket: adds counts of the same bucket and leaves out other instants', () => {
    const starts = ['2030-03-09T00:00:00.000Z', '2030-03-10T00:00:00.000Z'];
    const counts = [
      { bucket: '2030-03-10T00:00:00Z', count: 2 },
      { bucket: '2030-03-10T00:00:00.000Z', count: 1_500 },
      { bucket: '2030-03-08T00:00:00.000Z', count: 9 },
    ];
    expect(sumByBucket(counts, starts)).toEqual([0, 1_502]);
  });
});
