import type { Availability, TicketTypeAvailability } from '@secureevent/contracts';

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

/** One ticket type's counters (its quota, and its confirmed and waitlisted registrations). */
export interface TicketTypeCounts extends SeatCounts {
  id: string;
}

/** Where one newcomer of a batch ends up: a seat, or a place in their ticket type's waitlist. */
export type SeatOutcome = { confirmed: true } | { confirmed: false; waitlistPlace: number };

/** What claiming seats of several ticket types for a batch decides. */
export interface TypedSeatClaim {
  /** One per newcomer, in arrival order. */
  outcomes: SeatOutcome[];
  /** The event's counters after the claim. */
  event: SeatCounts;
  /** Every type's counters after the claim, in the order given. */
  types: TicketTypeCounts[];
}

/**
 * Claims seats for newcomers who each asked for a ticket type (`requested`, in arrival order): a
 * seat is granted only when both limits allow it. Newcomer i of type t, with the counters as they
 * stand after the newcomers before i:
 * - waits when anyone waits for t (t's waitlist is strictly first come, first served), when t has
 *   no seat left (its quota), or when the event has none (the overall capacity);
 * - else takes a seat of t, which is also one of the event's;
 * - a place is t's waitlist length after joining it: t's queue is its own.
 * Other types' waitlists do not hold a newcomer back: after every change the promotions have run
 * (`planPromotions`), so while the event has room nobody waits for a type that has room.
 * Afterwards every type's confirmed ≤ its capacity and the event's confirmed ≤ its capacity.
 * An unknown type is a programming error (the request was screened against the event).
 */
export function claimTypedSeats(event: SeatCounts, types: readonly TicketTypeCounts[], requested: readonly string[]): TypedSeatClaim {
  const e = { ...event };
  const byId = new Map(types.map((t) => [t.id, { ...t }]));
  const outcomes = requested.map((typeId): SeatOutcome => {
    const t = byId.get(typeId);
    if (!t) throw new RangeError(`no ticket type ${typeId} on this event`);
    if (t.waitlisted === 0 && seatsLeft(t) > 0 && seatsLeft(e) > 0) {
      t.confirmed += 1;
      e.confirmed += 1;
      return { confirmed: true };
    }
    t.waitlisted += 1;
    e.waitlisted += 1;
    return { confirmed: false, waitlistPlace: t.waitlisted };
  });
  return { outcomes, event: e, types: types.map((t) => byId.get(t.id)!) };
}

/** Someone waiting for a ticket type, as the waitlist's head lists them (in waitlist order). */
export interface Waiting {
  id: string;
  ticketTypeId: string;
}

/**
 * Who of the waiting goes in after a change (a cancelled seat, a raised quota or overall
 * capacity): in waitlist order across types, each person whose type still has a seat while the
 * event still has one. Greedy in that order keeps every type's queue strict (a type's later
 * people are passed over only once that type is full). `waiting` must hold, for every type, at
 * least its first `seatsLeft(event)` people in order (no more can go in).
 */
export function planPromotions(event: SeatCounts, types: readonly TicketTypeCounts[], waiting: readonly Waiting[]): string[] {
  let eventLeft = seatsLeft(event);
  const typeLeft = new Map(types.map((t) => [t.id, seatsLeft(t)]));
  const promoted: string[] = [];
  for (const w of waiting) {
    if (eventLeft === 0) break;
    const left = typeLeft.get(w.ticketTypeId) ?? 0;
    if (left === 0) continue;
    typeLeft.set(w.ticketTypeId, left - 1);
    eventLeft -= 1;
    promoted.push(w.id);
  }
  return promoted;
}

/** A ticket type's counts as shown: its seats left are also bounded by the event's. */
export function ticketTypeAvailabilityOf(event: SeatCounts, type: TicketTypeCounts): TicketTypeAvailability {
  return {
    id: type.id,
    capacity: type.capacity,
    confirmed: type.confirmed,
    seatsLeft: Math.min(seatsLeft(type), seatsLeft(event)),
    waitlisted: type.waitlisted,
  };
}

/** The counters as the API and `event.availability_changed.v1` show them. */
export function availabilityOf(counts: SeatCounts, types: readonly TicketTypeCounts[] = []): Availability {
  return {
    capacity: counts.capacity,
    confirmed: counts.confirmed,
    seatsLeft: seatsLeft(counts),
    waitlisted: counts.waitlisted,
    ticketTypes: types.map((t) => ticketTypeAvailabilityOf(counts, t)),
  };
}
