import { AppError, ErrorCode } from '@secureevent/shared';
import type { EventDto, RegistrationStatus } from '@secureevent/contracts';
import type { FieldChanged } from '../events/event.js';

/**
 * A registration's rules, as pure functions: when an event takes registrations, and what each
 * step of a registration's life changes. A registration is confirmed (a seat and a ticket) or
 * waitlisted (a place in the queue) when made; a waitlisted one is promoted to confirmed, in
 * waitlist order, when a seat frees up; either can be cancelled, which is final (registering again
 * makes a new registration).
 */

/** Throws REGISTRATION_CLOSED unless the event takes registrations at `now`: published, inside its window, not over. */
export function assertRegistrationOpen(
  event: Pick<EventDto, 'status' | 'registrationOpensAt' | 'registrationClosesAt' | 'endsAt'>,
  now = new Date(),
): void {
  const closed = (why: string) => new AppError(ErrorCode.REGISTRATION_CLOSED, why);
  if (event.status !== 'published') throw closed(`Registration is closed: the event is ${event.status}.`);
  if (event.registrationOpensAt && now < new Date(event.registrationOpensAt))
    throw closed(`Registration opens at ${event.registrationOpensAt}.`);
  if (event.registrationClosesAt && now >= new Date(event.registrationClosesAt)) throw closed('Registration has closed.');
  if (now >= new Date(event.endsAt)) throw closed('The event is over.');
}

/** The seat claim found the event no longer published (it changed after the request was screened). */
export const eventNoLongerOpen = () =>
  new AppError(ErrorCode.REGISTRATION_CLOSED, 'Registration is closed: the event is no longer published.');

/** What a cancellation gives back: a confirmed registration frees a seat, a waitlisted one a place in the queue. */
export interface Cancellation {
  changes: FieldChanged[];
  /** Change to the event's counters. */
  delta: { confirmed: number; waitlisted: number };
}

/** Cancels a live registration; undefined when it is already cancelled (cancelling again changes nothing). */
export function cancel(status: RegistrationStatus): Cancellation | undefined {
  if (status === 'cancelled') return undefined;
  return {
    changes: statusChange(status, 'cancelled'),
    delta: status === 'confirmed' ? { confirmed: -1, waitlisted: 0 } : { confirmed: 0, waitlisted: -1 },
  };
}

/** The status change of one registration step, as the audit trail records it (`from` null: it was just made). */
export function statusChange(from: RegistrationStatus | null, to: RegistrationStatus): FieldChanged[] {
  return [{ field: 'status', from, to }];
}
