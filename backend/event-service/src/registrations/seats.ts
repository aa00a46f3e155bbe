import type { Availability } from '@secureevent/contracts';

/**
 * Seat arithmetic: who of a batch gets a seat, who waits and where, and how many waiting people a
 * freed seat lets in. Pure functions of an event's counters; the caller holds the event row lock
 * while it asks and writes the answer, so the counters cannot change in between, and the database's
 * CHECK (`0 <= confirmed <= capacity`) refuses any answer that would oversell.
 */

/** An event's counters: its capacity, and how many registrations are confirmed and waitlisted. */
export interface SeatCounts {
  capacity: number;
  confirmed: number;
  waitlisted: number;
}

/** What claiming seats for a batch of newcomers decides. */
export interface SeatClaim {
  /** How many of the batch, the first ones in arrival order, get a seat. */
  granted: number;
  /** The waitlist place of the first newcomer who waits (the others follow one by one). */
  firstWaitlistPlace: number;
  /** The counters after the claim. */
  after: SeatCounts;
}

/** Seats not taken (never negative, even if capacity were ever below the confirmed count). */
export const seatsLeft = (counts: SeatCounts): number => Math.max(0, counts.capacity - counts.confirmed);

/**
 * Claims seats for `n` newcomers arriving in order. Derivation, with capacity c, confirmed k,
 * waitlisted w:
 * - first come, first served: while anyone waits (w > 0), nobody new may take a seat ahead of
 *   them, so g = 0; otherwise the s = max(0, c − k) seats left go to the first arrivals:
 *   g = min(n, s);
 * - the other n − g wait behind the w already waiting: a place is the count of people waiting
 *   ahead plus one, so the first of them is w + 1 and the i-th (0-based) is w + 1 + i;
 * - afterwards confirmed = k + g ≤ k + s ≤ c (never oversold) and waitlisted = w + (n − g).
 */
export function claimSeats(counts: SeatCounts, n: number): SeatClaim {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`cannot claim seats for ${n} people`);
  const granted = counts.waitlisted === 0 ? Math.min(n, seatsLeft(counts)) : 0;
  return {
    granted,
    firstWaitlistPlace: counts.waitlisted + 1,
    after: { capacity: counts.capacity, confirmed: counts.confirmed + granted, waitlisted: counts.waitlisted + (n - granted) },
  };
}

/**
 * How many people at the head of the waitlist a change lets in (a cancelled seat, a raised
 * capacity): every free seat while anyone waits, and no more than wait: min(w, max(0, c − k)).
 */
export function seatsToPromote(counts: SeatCounts): number {
  return Math.min(counts.waitlisted, seatsLeft(counts));
}

/** The counters as the API and `event.availability_changed.v1` show them. */
export function availabilityOf(counts: SeatCounts): Availability {
  return { capacity: counts.capacity, confirmed: counts.confirmed, seatsLeft: seatsLeft(counts), waitlisted: counts.waitlisted };
}
