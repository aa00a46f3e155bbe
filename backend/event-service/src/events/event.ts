import { AppError, ErrorCode, type FieldError } from '@secureevent/shared';
import type { EventDto } from '@secureevent/contracts';

/** An event's lifecycle: draft → published → cancelled | completed. Nothing else is allowed. */
export type EventStatus = EventDto['status'];

const transitions: Record<EventStatus, readonly EventStatus[]> = {
  draft: ['published'],
  published: ['cancelled', 'completed'],
  cancelled: [],
  completed: [],
};

/** Throws INVALID_STATE_TRANSITION unless `from → to` is a legal step. */
export function assertTransition(from: EventStatus, to: EventStatus): void {
  if (!transitions[from].includes(to)) {
    throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `An event that is ${from} cannot become ${to}.`);
  }
}

/**
 * Throws unless the draft may be published now: the transition is legal and the event has not
 * ended (nobody could register for it, and announcing it would only notify people of the past).
 */
export function assertPublishable(event: Pick<EventDto, 'status' | 'endsAt'>, now = new Date()): void {
  assertTransition(event.status, 'published');
  if (Date.parse(event.endsAt) <= now.getTime()) {
    throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, 'An event that has already ended cannot be published.');
  }
}

/** The fields the schedule rules look at, after an edit is applied to the stored event. */
export type EventSchedule = Pick<EventDto, 'startsAt' | 'endsAt' | 'registrationOpensAt' | 'registrationClosesAt' | 'venue' | 'onlineUrl'>;

/**
 * Checks the rules that tie fields together, on the event as it would be after an edit (the stored
 * values merged with the change), so that a change of one field is checked against the others
 * even when they are not in the same request. Throws VALIDATION_FAILED listing every broken rule.
 */
export function assertEventConsistent(event: EventSchedule): void {
  const errors: FieldError[] = [];
  if (Date.parse(event.endsAt) <= Date.parse(event.startsAt)) errors.push({ field: 'body.endsAt', message: 'must be after startsAt' });
  if (
    event.registrationOpensAt !== null &&
    event.registrationClosesAt !== null &&
    Date.parse(event.registrationClosesAt) <= Date.parse(event.registrationOpensAt)
  ) {
    errors.push({ field: 'body.registrationClosesAt', message: 'must be after registrationOpensAt' });
  }
  if (event.venue === null && event.onlineUrl === null) {
    errors.push({ field: 'body.venue', message: 'give a venue, an online URL, or both' });
  }
  if (errors.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, 'The event’s dates or place do not fit together.', { errors });
}
