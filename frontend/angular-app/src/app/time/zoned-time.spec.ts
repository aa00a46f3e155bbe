import { isoToZonedLocal, zonedLocalToIso } from './zoned-time';

describe('zoned time', () => {
  it('when a Paris summer time is given, then the instant is two hours earlier in UTC', () => {
    expect(zonedLocalToIso('2030-06-01T18:00', 'Europe/Paris')).toBe('2030-06-01T16:00:00.000Z');
  });

  it('when a New York winter time is given, then the instant is five hours later in UTC', () => {
    expect(zonedLocalToIso('2030-01-15T09:30', 'America/New_York')).toBe(
      '2030-01-15T14:30:00.000Z',
    );
  });

  it('when an instant is shown in a zone, then it reads as that zone’s wall clock', () => {
    expect(isoToZonedLocal('2030-06-01T16:00:00.000Z', 'Asia/Tokyo')).toBe('2030-06-02T01:00');
  });

  it('when converted there and back, then the wall clock is unchanged', () => {
    const local = '2030-10-27T01:30';
    expect(isoToZonedLocal(zonedLocalToIso(local, 'Europe/London'), 'Europe/London')).toBe(local);
  });

  it('when the text is not a date, then it throws', () => {
    expect(() => zonedLocalToIso('soon', 'UTC')).toThrow(RangeError);
  });
});
