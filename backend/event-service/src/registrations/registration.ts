import { AppError, ErrorCode } from '@secureevent/shared';
import type { EventDto, RegistrationStatus, TicketType } from '@secureevent/contracts';
import type { FieldChanged } from '../events/event.js';

/**
 * A registration's rules, as pure functions: when an event takes registrations, and what each
 * step of a registration's life changes. A registration is confirmed (a seat and a ticket) or
 * waitlisted (a place in the queue) when made; in approval mode it is pending (no seat) until an
 * organizer approves it (then the seat claim decides: confirmed or waitlisted) or rejects it; a
 * waitlisted one is promoted to confirmed, in waitlist order, when a seat frees up; any live one
 * can be cancelled. Cancelled and rejected are final (registering again makes a new registration).
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
 * asked for, or the only type the caller is offered when none is named (with a code: the types it
 * opens; without: the visible ones). Several offered and none named, or a type the event does not have, is
 * VALIDATION_FAILED; a hidden type or one that requires an access code is FORBIDDEN unless the
 * caller's valid code opens it (`unlocked`: the types it opens); a type outside its sales window
 * is REGISTRATION_CLOSED.
 */
export function chooseTicketType(
  types: readonly TicketType[],
  requested: string | undefined,
  options: { now?: Date; unlocked?: ReadonlySet<string> } = {},
): TicketType {
  const now = options.now ?? new Date();
  const opens = (t: TicketType) => options.unlocked?.has(t.id) ?? false;
  const field = (message: string) =>
    new AppError(ErrorCode.VALIDATION_FAILED, 'Choose one of the event’s ticket types.', {
      errors: [{ field: 'body.ticketTypeId', message }],
    });
  // With a code and no type named, the types the code opens come first: a code for one hidden
  // type is all a speaker needs to type.
  const unlocked = types.filter(opens);
  const offered = unlocked.length > 0 ? unlocked : types.filter((t) => !t.hidden);
  const type = requested === undefined ? (offered.length === 1 ? offered[0] : undefined) : types.find((t) => t.id === requested);
  if (!type)
    throw field(requested === undefined ? `required: the event offers ${offered.length} ticket types` : 'not a ticket type of this event');
  if ((type.hidden || type.accessCodeRequired) && !opens(type)) {
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
 * Cancels a live registration of `ticketTypeId`; undefined when it is already cancelled or
 * rejected (cancelling again changes nothing). The seat or place is given back to the event and
 * the type; a pending one gives back nothing.
 */
export function cancel(status: RegistrationStatus, ticketTypeId: string): Cancellation | undefined {
  if (status === 'cancelled' || status === 'rejected') return undefined;
  const counts =
    status === 'confirmed'
      ? { confirmed: -1, waitlisted: 0 }
      : status === 'waitlisted'
        ? { confirmed: 0, waitlisted: -1 }
        : // pending holds neither a seat nor a place
          { confirmed: 0, waitlisted: 0 };
  return { changes: statusChange(status, 'cancelled'), delta: { ...counts, types: [{ id: ticketTypeId, ...counts }] } };
}

/** The status change of one registration step, as the audit trail records it (`from` null: it was just made). */
export function statusChange(from: RegistrationStatus | null, to: RegistrationStatus): FieldChanged[] {
  return [{ field: 'status', from, to }];
}

/** A registration is a person's live one (it holds or awaits a seat) unless cancelled or rejected. */
export const isLive = (status: RegistrationStatus): boolean => status !== 'cancelled' && status !== 'rejected';

/**
 * An organizer's decision on a registration is allowed only while it is pending: approving or
 * rejecting one that is confirmed, waitlisted, cancelled or rejected is INVALID_STATE_TRANSITION
 * (409), and nothing changes.
 */
export function assertPending(status: RegistrationStatus, decision: 'approve' | 'reject'): void {
  if (status === 'pending') return;
  const what = status === 'confirmed' || status === 'waitlisted' ? `already ${status}` : status;
  throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `Only a pending registration can be ${decision}d; this one is ${what}.`);
}

/** The status a registration is made with: pending in approval mode, otherwise what the seat claim decided. */
export function initialStatus(mode: 'open' | 'approval', seated: boolean): 'pending' | 'confirmed' | 'waitlisted' {
  if (mode === 'approval') return 'pending';
  return seated ? 'confirmed' : 'waitlisted';
}
