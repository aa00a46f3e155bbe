import { recordAudit, type OutgoingMessage, type Outbox, type RequestOrigin } from '@secureevent/shared';
import { MessageType, type EventDto } from '@secureevent/contracts';
import type { Transaction } from 'kysely';
import type { FieldChanged } from '../events/event.js';
import { seatsLeft, ticketTypeAvailabilityOf } from './seats.js';
import type { RegistrationRow } from './registrations.repository.js';
import type { SeatLedger } from './seats.repository.js';

/** The event fields registration messages carry. */
export type AnnouncedEvent = Pick<EventDto, 'id' | 'title' | 'startsAt' | 'visibility'>;

/** What an availability message tells: the event's counters and every ticket type's. */
export type AnnouncedCounts = Pick<SeatLedger, 'id' | 'visibility' | 'capacity' | 'confirmed' | 'waitlisted' | 'ticketTypes'>;

/** `event.availability_changed.v1` for an event's counters after a change, per ticket type too. */
export function availabilityMessage(counts: AnnouncedCounts): OutgoingMessage<typeof MessageType.EventAvailabilityChanged> {
  return {
    type: MessageType.EventAvailabilityChanged,
    subject: counts.id,
    data: {
      eventId: counts.id,
      visibility: counts.visibility,
      capacity: counts.capacity,
      confirmed: counts.confirmed,
      seatsLeft: seatsLeft(counts),
      waitlisted: counts.waitlisted,
      ticketTypes: counts.ticketTypes.map((t) => ({ ...ticketTypeAvailabilityOf(counts, t), hidden: t.hidden })),
      at: new Date().toISOString(),
    },
  };
}

/** An event as the API shows it (to its managers: every type), as the counts an availability message tells. */
export function countsOf(event: EventDto): AnnouncedCounts {
  const hidden = new Map(event.ticketTypes.map((t) => [t.id, t.hidden]));
  return {
    id: event.id,
    visibility: event.visibility,
    capacity: event.availability.capacity,
    confirmed: event.availability.confirmed,
    waitlisted: event.availability.waitlisted,
    ticketTypes: (event.availability.ticketTypes ?? []).map((t) => ({
      id: t.id,
      capacity: t.capacity,
      confirmed: t.confirmed,
      waitlisted: t.waitlisted,
      hidden: hidden.get(t.id) ?? false,
    })),
  };
}

type RegistrationMessageType = (typeof MessageType)[
  'RegistrationConfirmed' | 'RegistrationWaitlisted' | 'RegistrationPromoted' | 'RegistrationCancelled'];

/** `registration.pending.v1`: someone asks to attend an event in approval mode; its organizers are told. */
export function pendingMessage(row: RegistrationRow, event: Pick<EventDto, 'title' | 'startsAt' | 'organizerIds'>) {
  const base = registrationMessage(MessageType.RegistrationConfirmed, row, event);
  return {
    type: MessageType.RegistrationPending,
    subject: row.id,
    data: { ...base.data, organizerIds: event.organizerIds },
  } satisfies OutgoingMessage<typeof MessageType.RegistrationPending>;
}

/** `registration.rejected.v1`: an organizer declined; the attendee is told, with the reason if one was given. */
export function rejectedMessage(row: RegistrationRow, event: Pick<EventDto, 'title' | 'startsAt'>) {
  const base = registrationMessage(MessageType.RegistrationCancelled, row, event);
  return {
    type: MessageType.RegistrationRejected,
    subject: row.id,
    data: { ...base.data, reason: row.rejection_reason },
  } satisfies OutgoingMessage<typeof MessageType.RegistrationRejected>;
}

/** A registration status message (`registration.<status>.v1`, or `registration.promoted.v1`). */
export function registrationMessage(
  type: RegistrationMessageType,
  row: RegistrationRow,
  event: Pick<EventDto, 'title' | 'startsAt'>,
  waitlistPosition?: number,
): OutgoingMessage<RegistrationMessageType> {
  return {
    type,
    subject: row.id,
    data: {
      registrationId: row.id,
      eventId: row.event_id,
      userId: row.user_id,
      eventTitle: event.title,
      startsAt: event.startsAt,
      status: row.status,
      ticketTypeId: row.ticket_type_id,
      ...(waitlistPosition !== undefined ? { waitlistPosition } : {}),
      ...(row.status === 'confirmed' ? { ticketCode: row.ticket_code } : {}),
      at: new Date().toISOString(),
    },
  };
}

/** One registration step as the audit trail records it: who did it, to which registration, what changed. */
export interface RegistrationAudit {
  action:
    | 'registration.confirmed'
    | 'registration.waitlisted'
    | 'registration.pending'
    | 'registration.promoted'
    | 'registration.approved'
    | 'registration.rejected'
    | 'registration.cancelled';
  actorId: string;
  registrationId: string;
  changes: FieldChanged[];
  origin: RequestOrigin;
}

const NO_ORIGIN: RequestOrigin = { ip: null, userAgent: null };
/** Steps that happen to a registration because of someone else's request keep that request's origin; without one, none. */
export const originOrNone = (origin: RequestOrigin | undefined): RequestOrigin => origin ?? NO_ORIGIN;

/**
 * The `audit.recorded.v1` messages for registration steps, built by `recordAudit` (so the trail's
 * rules, such as personal values becoming references, apply as everywhere) but handed back instead
 * of written, so that a batch of registrations writes its audit records in the same single outbox
 * INSERT as its other messages: one statement while the event row is locked, not one per person.
 */
export async function registrationAuditMessages<DB>(
  outbox: Outbox,
  trx: Transaction<DB>,
  audits: readonly RegistrationAudit[],
): Promise<OutgoingMessage[]> {
  const kept: OutgoingMessage[] = [];
  const collector: Outbox = {
    schema: outbox.schema,
    async add(_trx, ...messages) {
      kept.push(...messages);
      return [];
    },
  };
  for (const a of audits) {
    await recordAudit(collector, trx, {
      actorId: a.actorId,
      action: a.action,
      targetId: a.registrationId,
      outcome: 'success',
      origin: a.origin,
      changes: a.changes,
    });
  }
  return kept;
}

/** The audit action for a registration that was just made with `status`. */
export const madeAs = (status: 'confirmed' | 'waitlisted' | 'pending') => `registration.${status}` as const;
