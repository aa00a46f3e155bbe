import { describe, expect, it } from 'vitest';
import { availabilityOf, claimSeats, claimTypedSeats, planPromotions, seatsToPromote, type TicketTypeCounts } from './seats.js';

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
      ticketTypes: [],
    });
    expect(availabilityOf({ capacity: 5, confirmed: 6, waitlisted: 1 }).seatsLeft).toBe(0);
  });

  it('when a type has more room than the event, then its seats left are the event’s', () => {
    const types = [
      { id: 'a', capacity: 10, confirmed: 2, waitlisted: 0 },
      { id: 'b', capacity: 3, confirmed: 2, waitlisted: 0 },
    ];
    expect(availabilityOf({ capacity: 6, confirmed: 4, waitlisted: 0 }, types).ticketTypes).toEqual([
      { id: 'a', capacity: 10, confirmed: 2, seatsLeft: 2, waitlisted: 0 },
      { id: 'b', capacity: 3, confirmed: 2, seatsLeft: 1, waitlisted: 0 },
    ]);
  });
});

describe('claiming seats of ticket types', () => {
  const t = (id: string, capacity: number, confirmed = 0, waitlisted = 0): TicketTypeCounts => ({ id, capacity, confirmed, waitlisted });

  it('when each type has room and the event too, then everyone gets a seat of their type', () => {
    const claim = claimTypedSeats({ capacity: 10, confirmed: 0, waitlisted: 0 }, [t('a', 5), t('b', 5)], ['a', 'b', 'a']);
    expect(claim.outcomes).toEqual([{ confirmed: true }, { confirmed: true }, { confirmed: true }]);
    expect(claim.types).toEqual([t('a', 5, 2), t('b', 5, 1)]);
    expect(claim.event).toEqual({ capacity: 10, confirmed: 3, waitlisted: 0 });
  });

  it('when a type is full, then its newcomers wait in its own queue while the other type still confirms', () => {
    const claim = claimTypedSeats({ capacity: 10, confirmed: 2, waitlisted: 0 }, [t('a', 2, 2), t('b', 5)], ['a', 'b', 'a']);
    expect(claim.outcomes).toEqual([{ confirmed: false, waitlistPlace: 1 }, { confirmed: true }, { confirmed: false, waitlistPlace: 2 }]);
  });

  it('when the overall capacity is reached, then newcomers of a type with room wait too', () => {
    const claim = claimTypedSeats({ capacity: 3, confirmed: 2, waitlisted: 0 }, [t('a', 5, 1), t('b', 5, 1)], ['b', 'a', 'b']);
    expect(claim.outcomes).toEqual([{ confirmed: true }, { confirmed: false, waitlistPlace: 1 }, { confirmed: false, waitlistPlace: 1 }]);
    expect(claim.event).toEqual({ capacity: 3, confirmed: 3, waitlisted: 2 });
  });

  it('when people wait for a type, then its newcomers wait behind them even with a seat free', () => {
    const claim = claimTypedSeats({ capacity: 10, confirmed: 3, waitlisted: 2 }, [t('a', 5, 3, 2)], ['a']);
    expect(claim.outcomes).toEqual([{ confirmed: false, waitlistPlace: 3 }]);
  });

  it('when any batch over two types and an overall limit is claimed, then no limit is exceeded, no seat is left idle, everyone is counted once and places are 1..n per type', () => {
    for (let overall = 1; overall <= 6; overall += 1)
      for (let capA = 1; capA <= 3; capA += 1)
        for (let capB = 1; capB <= 3; capB += 1)
          for (let mask = 0; mask < 1 << 7; mask += 1) {
            const requested = Array.from({ length: 7 }, (_, i) => ((mask >> i) & 1 ? 'b' : 'a'));
            const claim = claimTypedSeats({ capacity: overall, confirmed: 0, waitlisted: 0 }, [t('a', capA), t('b', capB)], requested);
            expect(claim.event.confirmed).toBeLessThanOrEqual(overall);
            expect(claim.event.confirmed + claim.event.waitlisted).toBe(7);
            for (const type of claim.types) {
              expect(type.confirmed).toBeLessThanOrEqual(type.capacity);
              const places = claim.outcomes.flatMap((o, i) => (requested[i] === type.id && !o.confirmed ? [o.waitlistPlace] : []));
              expect(places).toEqual(Array.from({ length: places.length }, (_, i) => i + 1));
            }
            // Nobody waits for a type that has a seat while the event has one (no seat left idle).
            const idle = claim.types.some((type) => type.waitlisted > 0 && type.confirmed < type.capacity);
            expect(idle && claim.event.confirmed < overall).toBe(false);
          }
  });

  it('when a type is unknown, then it is a programming error', () => {
    expect(() => claimTypedSeats({ capacity: 1, confirmed: 0, waitlisted: 0 }, [t('a', 1)], ['z'])).toThrow(RangeError);
  });
});

describe('planning promotions across ticket types', () => {
  const t = (id: string, capacity: number, confirmed = 0, waitlisted = 0): TicketTypeCounts => ({ id, capacity, confirmed, waitlisted });

  it('when the event frees seats, then the waiting go in in waitlist order, skipping types that are full', () => {
    const waiting = [
      { id: 'r1', ticketTypeId: 'a' },
      { id: 'r2', ticketTypeId: 'b' },
      { id: 'r3', ticketTypeId: 'a' },
      { id: 'r4', ticketTypeId: 'b' },
    ];
    // a is full; b has two seats; the event has one left.
    expect(planPromotions({ capacity: 5, confirmed: 4, waitlisted: 4 }, [t('a', 2, 2, 2), t('b', 4, 2, 2)], waiting)).toEqual(['r2']);
    // The event has three left: both of b's go, none of a's.
    expect(planPromotions({ capacity: 7, confirmed: 4, waitlisted: 4 }, [t('a', 2, 2, 2), t('b', 4, 2, 2)], waiting)).toEqual(['r2', 'r4']);
  });

  it("when a type's quota grows, then only its own waiting go in, first come first served", () => {
    const waiting = [
      { id: 'r1', ticketTypeId: 'a' },
      { id: 'r2', ticketTypeId: 'a' },
    ];
    expect(planPromotions({ capacity: 10, confirmed: 3, waitlisted: 2 }, [t('a', 4, 3, 2)], waiting)).toEqual(['r1']);
  });

  it('when the event is full, then nobody goes in', () => {
    expect(planPromotions({ capacity: 3, confirmed: 3, waitlisted: 1 }, [t('a', 5, 3, 1)], [{ id: 'r1', ticketTypeId: 'a' }])).toEqual([]);
  });
});
