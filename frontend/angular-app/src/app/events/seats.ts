import type { Availability } from '@secureevent/contracts';

import { t, tPlural } from '../i18n/i18n';

/** Seats left, in words: "12 seats left", "1 seat left", or "Full · 3 on the waitlist". */
export function describeSeats(availability: Availability): string {
  if (availability.seatsLeft > 0) {
    return tPlural('seats.left', availability.seatsLeft);
  }
  return availability.waitlisted > 0
    ? t('seats.fullWaitlisted', { count: availability.waitlisted })
    : t('seats.fullWaitlistOpen');
}
