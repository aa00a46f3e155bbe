import { AppError, ErrorCode, type FieldError } from '@secureevent/shared';
import type { EventDto, EventStatus, UpdateEventRequest } from '@secureevent/contracts';
import { planTicketTypeChanges, type TicketTypePlan } from './ticket-types.js';

/**
 * The event aggregate's rules, as pure functions of plain data: its lifecycle, the invariants that
 * tie its fields together, and what an edit changes. Use cases ask these before they write; the
 * functions throw `AppError`s with domain codes, never HTTP statuses.
 */

export type { EventStatus };

/** One field of a change: what it was and what it became (recorded in the audit trail). */
export interface FieldChanged {
  field: string;
  from: unknown;
  to: unknown;
}

/** An event's lifecycle: draft → published → cancelled | completed. Nothing else is allowed. */
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

const statusChange = (from: EventStatus, to: EventStatus): FieldChanged[] => [{ field: 'status', from, to }];

/**
 * Publishing a draft: the transition is legal and the event has not ended (nobody could register
 * for it, and announcing it would only notify people of the past). Returns the change.
 */
export function publish(event: Pick<EventDto, 'status' | 'endsAt'>, now = new Date()): FieldChanged[] {
  assertTransition(event.status, 'published');
  if (Date.parse(event.endsAt) <= now.getTime()) {
    throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, 'An event that has already ended cannot be published.');
  }
  return statusChange(event.status, 'published');
}

/** Cancelling a published event (its registrations are released by the caller). Returns the change. */
export function cancel(event: Pick<EventDto, 'status'>): FieldChanged[] {
  assertTransition(event.status, 'cancelled');
  return statusChange(event.status, 'cancelled');
}

/** Completing a published event, once it has ended (not before: people may still check in). Returns the change. */
export function complete(event: Pick<EventDto, 'status' | 'endsAt'>, now = new Date()): FieldChanged[] {
  assertTransition(event.status, 'completed');
  if (Date.parse(event.endsAt) > now.getTime()) {
    throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, 'An event that has not ended yet cannot be completed.');
  }
  return statusChange(event.status, 'completed');
}

/** The fields the schedule rules look at. */
export type EventSchedule = Pick<EventDto, 'startsAt' | 'endsAt' | 'registrationOpensAt' | 'registrationClosesAt' | 'venue' | 'onlineUrl'>;

/**
 * The rules that tie fields together: it ends after it starts, registration closes after it opens,
 * and it takes place somewhere (a venue, an online URL, or both). Throws VALIDATION_FAILED listing
 * every broken rule.
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

/** What an edit does to an event: the event as it becomes, each field that changed, and its ticket types if they change. */
export interface AppliedChanges {
  event: EventDto;
  changes: FieldChanged[];
  /** Present when the edit touches the capacity or the ticket types (`planTicketTypeChanges`). */
  ticketTypes?: TicketTypePlan;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies an edit to the stored event. Only drafts and published events can be edited; the result
 * must keep the event consistent, checked on the stored values merged with the patch, so that one
 * field sent alone is checked against the others it must fit (e.g. `registrationClosesAt` against
 * the stored `registrationOpensAt`); the capacities follow `planTicketTypeChanges` (none below its
 * confirmed count). `changes` lists each sent field whose value differs from the stored one, in the
 * patch's order (`capacity` as the enforced total, `ticketTypes` as the whole list).
 */
export function applyChanges(event: EventDto, patch: UpdateEventRequest, newTicketTypeId: () => string): AppliedChanges {
  if (event.status === 'cancelled' || event.status === 'completed') {
    throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `A ${event.status} event cannot be edited.`);
  }
  const { capacity: _capacity, ticketTypes: _types, ...fields } = patch;
  const plan = planTicketTypeChanges(event, patch, newTicketTypeId);
  const next: EventDto = {
    ...event,
    ...fields,
    ...(plan ? { capacity: plan.capacity, overallCapacity: plan.overallCapacity, ticketTypes: plan.types } : {}),
  };
  assertEventConsistent(next);
  const changes = (Object.keys(patch) as (keyof UpdateEventRequest)[])
    .filter((field) => patch[field] !== undefined)
    .flatMap((field): FieldChanged[] => {
      if (field === 'ticketTypes')
        return same(next.ticketTypes, event.ticketTypes) ? [] : [{ field, from: event.ticketTypes, to: next.ticketTypes }];
      if (field === 'capacity') {
        const moved = next.capacity !== event.capacity || next.overallCapacity !== event.overallCapacity;
        return moved ? [{ field, from: event.capacity, to: next.capacity }] : [];
      }
      return same(patch[field], event[field]) ? [] : [{ field, from: event[field], to: patch[field] }];
    });
  return { event: next, changes, ...(plan ? { ticketTypes: plan } : {}) };
}

/** Whether others must hear of a change (`event.updated.v1`): only published events announce, and only real changes. */
export function announcesChanges(event: Pick<EventDto, 'status'>, changes: readonly FieldChanged[]): boolean {
  return event.status === 'published' && changes.length > 0;
}

/**
 * A co-organizer joins the event. The caller has checked that they may organize; adding someone
 * already listed changes nothing (an empty list of changes).
 */
export function addOrganizer(event: Pick<EventDto, 'organizerIds'>, userId: string): FieldChanged[] {
  if (event.organizerIds.includes(userId)) return [];
  return [{ field: 'organizerIds', from: event.organizerIds, to: [...event.organizerIds, userId] }];
}

/**
 * Someone leaves the event's organizers (anyone listed may go, themselves included). Not listed is
 * NOT_FOUND; the event keeps at least one organizer, so removing the last is a CONFLICT.
 */
export function removeOrganizer(event: Pick<EventDto, 'organizerIds'>, userId: string): FieldChanged[] {
  if (!event.organizerIds.includes(userId)) throw new AppError(ErrorCode.NOT_FOUND, 'That user is not an organizer of this event.');
  if (event.organizerIds.length === 1) throw new AppError(ErrorCode.CONFLICT, 'An event keeps at least one organizer.');
  return [{ field: 'organizerIds', from: event.organizerIds, to: event.organizerIds.filter((id) => id !== userId) }];
}
