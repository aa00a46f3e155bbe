import { describe, expect, it } from 'vitest';
import { availabilityOf, claimSeats, seatsToPromote } from './seats.js';

describe('claiming seats', () => {
  it('when fewer people arrive than seats are left and nobody waits, then everyone gets a seat', () => {
    expect(claimSeats({ capacity: 10, confirmed: 3, waitlisted: 0 }, 4)).toEqual({
      granted: 4,
      firstWaitlistPlace: 1,
      after: { capacity: 10, confirmed: 7, waitlisted: 0 },
    });
  });

  it('when more people arrive than seats are left, then the first ones fill the event and the rest wait from place 1', () => {
    expect(claimSeats({ capacity: 10, confirmed: 8, waitlisted: 0 }, 5)).toEqual({
      granted: 2,
      firstWaitlistPlace: 1,
      after: { capacity: 10, confirmed: 10, waitlisted: 3 },
    });
  });

  it('when people already wait, then newcomers wait behind them even if a seat is free', () => {
    expect(claimSeats({ capacity: 10, confirmed: 9, waitlisted: 4 }, 3)).toEqual({
      granted: 0,
      firstWaitlistPlace: 5,
      after: { capacity: 10, confirmed: 9, waitlisted: 7 },
    });
  });

  it('when the event is full, then everyone waits', () => {
    expect(claimSeats({ capacity: 2, confirmed: 2, waitlisted: 0 }, 2).granted).toBe(0);
  });

  it('when the counters ever showed more confirmed than capacity, then no seat is granted (never negative)', () => {
    expect(claimSeats({ capacity: 2, confirmed: 3, waitlisted: 0 }, 1)).toMatchObject({
      granted: 0,
      after: { confirmed: 3, waitlisted: 1 },
    });
  });

  it('when any batch is claimed, then the event is never oversold and every newcomer is counted once', () => {
    for (let capacity = 1; capacity <= 6; capacity += 1)
      for (let confirmed = 0; confirmed <= capacity; confirmed += 1)
        for (let waitlisted = 0; waitlisted <= 3; waitlisted += 1)
          for (let n = 0; n <= 8; n += 1) {
            const { granted, after } = claimSeats({ capacity, confirmed, waitlisted }, n);
            expect(after.confirmed).toBeLessThanOrEqual(capacity);
            expect(after.confirmed - confirmed + after.waitlisted - waitlisted).toBe(n);
            expect(granted).toBeGreaterThanOrEqual(0);
          }
  });

  it('when a claim is for a negative or fractional number of people, then it is refused', () => {
    expect(() => claimSeats({ capacity: 1, confirmed: 0, waitlisted: 0 }, -1)).toThrow(RangeError);
    expect(() => claimSeats({ capacity: 1, confirmed: 0, waitlisted: 0 }, 1.5)).toThrow(RangeError);
  });
});

describe('promoting from the waitlist', () => {
  it.each([
    [{ capacity: 10, confirmed: 9, waitlisted: 5 }, 1, 'a cancelled seat lets one in'],
    [{ capacity: 15, confirmed: 10, waitlisted: 3 }, 3, 'a raised capacity lets in no more than wait'],
    [{ capacity: 15, confirmed: 10, waitlisted: 8 }, 5, 'a raised capacity lets in as many as seats were added'],
    [{ capacity: 10, confirmed: 9, waitlisted: 0 }, 0, 'nobody waits'],
    [{ capacity: 10, confirmed: 10, waitlisted: 4 }, 0, 'no seat is free'],
  ])('when the counters are %j, then %i are promoted (%s)', (counts, expected) => {
    expect(seatsToPromote(counts)).toBe(expected);
  });
});

describe('availability', () => {
  it('when seats are taken, then seatsLeft is what remains, never negative', () => {
    expect(availabilityOf({ capacity: 5, confirmed: 2, waitlisted: 0 })).toEqual({
      capacity: 5,
      confirmed: 2,
      seatsLeft: 3,
      waitlisted: 0,
    });
    expect(availabilityOf({ capacity: 5, confirmed: 6, waitlisted: 1 }).seatsLeft).toBe(0);
  });
});
