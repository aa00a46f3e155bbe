import { countByDay, cumulative, lastDays } from './chart-data';

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
});
