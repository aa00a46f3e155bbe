import { AppError, ErrorCode } from '@secureevent/shared';
import type { EventDto, RegistrationStatus, TicketType } from '@secureevent/contracts';
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

/** The seat claim found the requested ticket type gone (removed after the request was screened). */
export const ticketTypeGone = () => new AppError(ErrorCode.CONFLICT, 'That ticket type is no longer offered for this event.');

/**
 * The ticket type a registration request is for, screened against the event at `now`: the one
 * asked for, or the only type the caller is offered when none is named (hidden types are offered
 * only with a code). Several offered and none named, or a type the event does not have, is
 * VALIDATION_FAILED; a hidden type or one that requires an access code is FORBIDDEN without a
 * valid code (`codeAccepted`); a type outside its sales window is REGISTRATION_CLOSED.
 */
export function chooseTicketType(
  types: readonly TicketType[],
  requested: string | undefined,
  options: { now?: Date; codeAccepted?: boolean } = {},
): TicketType {
  const now = options.now ?? new Date();
  const field = (message: string) =>
    new AppError(ErrorCode.VALIDATION_FAILED, 'Choose one of the event’s ticket types.', {
      errors: [{ field: 'body.ticketTypeId', message }],
    });
  const offered = types.filter((t) => !t.hidden || options.codeAccepted);
  const type = requested === undefined ? (offered.length === 1 ? offered[0] : undefined) : types.find((t) => t.id === requested);
  if (!type)
    throw field(requested === undefined ? `required: the event offers ${offered.length} ticket types` : 'not a ticket type of this event');
  if ((type.hidden || type.accessCodeRequired) && !options.codeAccepted) {
    throw new AppError(ErrorCode.FORBIDDEN, 'This ticket type opens only with an access code.', {
      errors: [{ field: 'body.accessCode', message: 'required for this ticket type' }],
    });
  }
  if (type.salesStart && now < new Date(type.salesStart)) {
    throw new AppError(ErrorCode.REGISTRATION_CLOSED, `Sales for “${type.name}” start at ${type.salesStart}.`);
  }
  if (type.salesEnd && now >= new Date(type.salesEnd))
    throw new AppError(ErrorCode.REGISTRATION_CLOSED, `Sales for “${type.name}” have ended.`);
  return type;
}

/** What a cancellation gives back: a confirmed registration frees a seat, a waitlisted one a place in the queue. */
export interface Cancellation {
  changes: FieldChanged[];
  /** Change to the event's counters and its ticket type's. */
  delta: { confirmed: number; waitlisted: number; types: { id: string; confirmed: number; waitlisted: number }[] };
}

/**
 * Cancels a live registration of `ticketTypeId`; undefined when it is already cancelled
 * (cancelling again changes nothing). The seat or place is given back to the event and the type.
 */
export function cancel(status: RegistrationStatus, ticketTypeId: string): Cancellation | undefined {
  if (status === 'cancelled') return undefined;
  const counts = status === 'confirmed' ? { confirmed: -1, waitlisted: 0 } : { confirmed: 0, waitlisted: -1 };
  return { changes: statusChange(status, 'cancelled'), delta: { ...counts, types: [{ id: ticketTypeId, ...counts }] } };
}

/** The status change of one registration step, as the audit trail records it (`from` null: it was just made). */
export function statusChange(from: RegistrationStatus | null, to: RegistrationStatus): FieldChanged[] {
  return [{ field: 'status', from, to }];
}
