import { AppError, ErrorCode, type FieldError } from '@secureevent/shared';
import type { CreateEventRequest, EventDto, TicketType, TicketTypeInput, UpdateEventRequest } from '@secureevent/contracts';

/**
 * The rules of an event's ticket types, as pure functions: what a new event offers, what an edit
 * of the types and the overall capacity may do, and the capacity the database enforces. Every
 * event has at least one type; one created without any offers "General admission" sized by its
 * `capacity`, so clients that know nothing of types keep working.
 */

/** The name of the one type an event gets when it is created without ticket types. */
export const GENERAL_ADMISSION = 'General admission';

/** The ticket types an event is to have, and its capacities. */
export interface TicketTypePlan {
  /** The organizer's limit across types; null: only the types' own. */
  overallCapacity: number | null;
  /** The enforced total (the event row's `capacity`): the overall limit, or the types' sum if smaller. */
  capacity: number;
  /** The types as they become, in order; a new one carries a fresh id. */
  types: TicketType[];
  /** Ids of the event's types that go. */
  removed: string[];
}

/** The enforced total: the smaller of the overall limit and the sum of the types' quotas. */
export function effectiveCapacity(overallCapacity: number | null, types: readonly Pick<TicketType, 'capacity'>[]): number {
  const sum = types.reduce((n, t) => n + t.capacity, 0);
  return overallCapacity === null ? sum : Math.min(overallCapacity, sum);
}

const toType = (input: TicketTypeInput, id: string): TicketType => ({
  id,
  name: input.name,
  description: input.description,
  capacity: input.capacity,
  hidden: input.hidden,
  accessCodeRequired: input.accessCodeRequired,
  salesStart: input.salesStart,
  salesEnd: input.salesEnd,
});

/**
 * A new event's types: the ones given, or "General admission" holding `capacity`. With types,
 * `capacity` is the overall limit (absent: none). The contracts have checked that one of the two
 * is given.
 */
export function ticketTypesForNewEvent(input: Pick<CreateEventRequest, 'capacity' | 'ticketTypes'>, newId: () => string): TicketTypePlan {
  if (!input.ticketTypes) {
    const capacity = input.capacity!;
    const general: TicketType = {
      id: newId(),
      name: GENERAL_ADMISSION,
      description: null,
      capacity,
      hidden: false,
      accessCodeRequired: false,
      salesStart: null,
      salesEnd: null,
    };
    return { overallCapacity: null, capacity, types: [general], removed: [] };
  }
  const types = input.ticketTypes.map((t) => toType(t, newId()));
  const overallCapacity = input.capacity ?? null;
  return { overallCapacity, capacity: effectiveCapacity(overallCapacity, types), types, removed: [] };
}

/**
 * What an edit does to the types and capacities, or undefined when it touches neither. Rules:
 * - `ticketTypes` is the whole list: a type sent with an id is edited (it must be one of the
 *   event's), one without an id is created, and a type left out is removed, which only a type
 *   nobody holds a live registration for may be (CONFLICT otherwise);
 * - no type's quota may drop below its confirmed count;
 * - `capacity` alone, on an event with one type and no overall limit (every event made without
 *   types), resizes that type, as it did before types existed; otherwise it sets the overall
 *   limit, which may not drop below the event's confirmed count; `capacity: null` clears the
 *   overall limit.
 * Throws VALIDATION_FAILED listing every bad field.
 */
export function planTicketTypeChanges(
  event: Pick<EventDto, 'ticketTypes' | 'overallCapacity' | 'availability'>,
  patch: Pick<UpdateEventRequest, 'capacity' | 'ticketTypes'>,
  newId: () => string,
): TicketTypePlan | undefined {
  if (patch.capacity === undefined && patch.ticketTypes === undefined) return undefined;
  const counts = new Map((event.availability.ticketTypes ?? []).map((t) => [t.id, t]));
  const errors: FieldError[] = [];
  const confirmedOf = (id: string) => counts.get(id)?.confirmed ?? 0;

  let types: TicketType[];
  let overallCapacity = event.overallCapacity;
  const resizesOnlyType =
    patch.ticketTypes === undefined &&
    typeof patch.capacity === 'number' &&
    event.ticketTypes.length === 1 &&
    event.overallCapacity === null;
  if (resizesOnlyType) {
    types = [{ ...event.ticketTypes[0]!, capacity: patch.capacity! }];
    if (patch.capacity! < confirmedOf(types[0]!.id)) {
      errors.push({ field: 'body.capacity', message: `must be at least ${confirmedOf(types[0]!.id)} (confirmed attendees)` });
    }
  } else {
    // null clears the overall limit: only the types' quotas remain (the enforced total can only grow).
    if (patch.capacity === null) overallCapacity = null;
    else if (patch.capacity !== undefined) {
      overallCapacity = patch.capacity;
      if (patch.capacity < event.availability.confirmed) {
        errors.push({ field: 'body.capacity', message: `must be at least ${event.availability.confirmed} (confirmed attendees)` });
      }
    }
    const known = new Set(event.ticketTypes.map((t) => t.id));
    types = (patch.ticketTypes ?? event.ticketTypes).map((t, i) => {
      if (t.id !== undefined && !known.has(t.id))
        errors.push({ field: `body.ticketTypes.${i}.id`, message: 'not a ticket type of this event' });
      if (t.id !== undefined && t.capacity < confirmedOf(t.id)) {
        errors.push({ field: `body.ticketTypes.${i}.capacity`, message: `must be at least ${confirmedOf(t.id)} (confirmed attendees)` });
      }
      return toType(
        {
          name: t.name,
          description: t.description ?? null,
          capacity: t.capacity,
          hidden: t.hidden ?? false,
          accessCodeRequired: t.accessCodeRequired ?? false,
          salesStart: t.salesStart ?? null,
          salesEnd: t.salesEnd ?? null,
        },
        t.id ?? newId(),
      );
    });
  }
  if (errors.length > 0) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'A capacity cannot be lower than the number of confirmed attendees.', { errors });
  }
  const kept = new Set(types.map((t) => t.id));
  const removed = event.ticketTypes.map((t) => t.id).filter((id) => !kept.has(id));
  const held = removed.filter((id) => (counts.get(id)?.confirmed ?? 0) + (counts.get(id)?.waitlisted ?? 0) > 0);
  if (held.length > 0) {
    const names = event.ticketTypes.filter((t) => held.includes(t.id)).map((t) => `“${t.name}”`);
    throw new AppError(ErrorCode.CONFLICT, `A ticket type people are registered for cannot be removed: ${names.join(', ')}.`);
  }
  return { overallCapacity, capacity: effectiveCapacity(overallCapacity, types), types, removed };
}

/**
 * The event as someone who does not manage it sees it: hidden types (and their counts) left out.
 * They open only with an access code, and are not advertised.
 */
export function withoutHiddenTypes(event: EventDto): EventDto {
  if (!event.ticketTypes.some((t) => t.hidden)) return event;
  const shown = new Set(event.ticketTypes.filter((t) => !t.hidden).map((t) => t.id));
  return {
    ...event,
    ticketTypes: event.ticketTypes.filter((t) => shown.has(t.id)),
    availability: { ...event.availability, ticketTypes: (event.availability.ticketTypes ?? []).filter((t) => shown.has(t.id)) },
  };
}
