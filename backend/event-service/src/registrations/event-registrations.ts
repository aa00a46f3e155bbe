import type { Outbox, RequestOrigin } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { Transaction } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { statusChange } from './registration.js';
import { originOrNone, registrationAuditMessages, registrationMessage } from './registration-messages.js';
import { registrationsRepository } from './registrations.repository.js';
import { seatsRepository, type SeatLedger } from './seats.repository.js';
import { planPromotions, seatsLeft } from './seats.js';

/**
 * What other features ask of registrations when an event changes (the events feature's cancel and
 * capacity edits, this feature's own cancellations): a domain service that keeps the seat counters,
 * the registrations and their messages and audit records in step, inside the caller's transaction.
 * Callers go through these functions, never through the registrations' repositories.
 */

/** Who caused a change that happens to registrations (the canceller, the organizer who raised capacity). */
export interface Cause {
  actorId: string;
  origin?: RequestOrigin | undefined;
}

/**
 * Gives free seats to the heads of the ticket types' waitlists, in waitlist order across types,
 * each only while both its type's quota and the event's capacity have a seat (`planPromotions`):
 * `registration.promoted.v1` and an audit record (waitlisted → confirmed) for each. Takes the
 * event row lock first (again, if the caller holds it already). Returns the ledger afterwards and
 * how many were promoted.
 */
export async function fillFreedSeats(
  outbox: Outbox,
  trx: Transaction<EventsDb>,
  eventId: string,
  cause: Cause,
): Promise<{ ledger: SeatLedger; promoted: number }> {
  const seats = seatsRepository(trx);
  const ledger = (await seats.lock(eventId))!;
  const registrations = registrationsRepository(trx);
  const waiting = ledger.waitlisted > 0 ? await registrations.waitingHeads(eventId, seatsLeft(ledger)) : [];
  const promoted = await registrations.promote(planPromotions(ledger, ledger.ticketTypes, waiting));
  if (promoted.length === 0) return { ledger, promoted: 0 };
  const perType = new Map<string, number>();
  for (const row of promoted) perType.set(row.ticket_type_id, (perType.get(row.ticket_type_id) ?? 0) + 1);
  const after = await seats.adjust(eventId, {
    confirmed: promoted.length,
    waitlisted: -promoted.length,
    types: [...perType].map(([id, n]) => ({ id, confirmed: n, waitlisted: -n })),
  });
  const audits = await registrationAuditMessages(
    outbox,
    trx,
    promoted.map((row) => ({
      action: 'registration.promoted' as const,
      actorId: cause.actorId,
      registrationId: row.id,
      changes: statusChange('waitlisted', 'confirmed'),
      origin: originOrNone(cause.origin),
    })),
  );
  await outbox.add(trx, ...promoted.map((row) => registrationMessage(MessageType.RegistrationPromoted, row, after)), ...audits);
  return { ledger: after, promoted: promoted.length };
}

/**
 * Releases every live registration of an event that is being cancelled, each audited
 * (confirmed|waitlisted → cancelled), and clears the ticket types' counters. Registrants are told by
 * the event's own `event.cancelled.v1`, which carries the returned user ids; the caller resets the
 * event's counters with its status.
 */
export async function releaseRegistrationsOf(outbox: Outbox, trx: Transaction<EventsDb>, eventId: string, cause: Cause): Promise<string[]> {
  const released = await registrationsRepository(trx).cancelAllOf(eventId);
  await seatsRepository(trx).clearTypes(eventId);
  const audits = await registrationAuditMessages(
    outbox,
    trx,
    released.map((r) => ({
      action: 'registration.cancelled' as const,
      actorId: cause.actorId,
      registrationId: r.id,
      changes: statusChange(r.status, 'cancelled'),
      origin: originOrNone(cause.origin),
    })),
  );
  if (audits.length > 0) await outbox.add(trx, ...audits);
  return released.map((r) => r.userId);
}

/** Everyone holding a live registration for the event (who must hear of a change to it). */
export function registrantsOf(trx: Transaction<EventsDb>, eventId: string): Promise<string[]> {
  return registrationsRepository(trx).liveUserIds(eventId);
}

/**
 * The ticket types among `ticketTypeIds` that registrations refer to (pending, confirmed,
 * waitlisted, cancelled or rejected): those cannot be deleted without losing whose ticket was what.
 */
export function ticketTypesInUse(trx: Transaction<EventsDb>, ticketTypeIds: readonly string[]): Promise<string[]> {
  return registrationsRepository(trx).ticketTypesInUse(ticketTypeIds);
}
