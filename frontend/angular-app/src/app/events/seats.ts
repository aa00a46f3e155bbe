import type { Availability } from '@secureevent/contracts';

/** Seats left, in words: "12 seats left", "1 seat left", or "Full · 3 on the waitlist". */
export function describeSeats(availability: Availability): string {
  if (availability.seatsLeft > 0) {
    return `${availability.seatsLeft} ${availability.seatsLeft === 1 ? 'seat' : 'seats'} left`;
  }
  return availability.waitlisted > 0
    ? `Full · ${availability.waitlisted} on the waitlist`
    : 'Full · waitlist open';
}
