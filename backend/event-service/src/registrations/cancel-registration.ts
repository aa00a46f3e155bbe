import { AppError, ErrorCode, type AuthUser, type Cache, type Outbox, type RequestOrigin } from '@secureevent/shared';
import { canManageEvent, MessageType, type RegistrationDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { eventKey } from '../events/event-cache.js';
import { fillFreedSeats } from './event-registrations.js';
import { cancel } from './registration.js';
import { availabilityMessage, registrationAuditMessages, registrationMessage } from './registration-messages.js';
import { registrationsRepository, toRegistrationDto } from './registrations.repository.js';
import { seatsRepository } from './seats.repository.js';

/**
 * Cancels a registration (its holder, or a manager of the event). A freed seat goes at once to the
 * head of the waitlist, in the same transaction. The event row is locked first, as everywhere, so
 * concurrent cancellations promote exactly as many people as seats were freed and cannot deadlock.
 */
export async function cancelRegistration(
  deps: { db: Kysely<EventsDb>; outbox: Outbox; cache: Cache },
  actor: AuthUser,
  registrationId: string,
  origin: RequestOrigin,
): Promise<RegistrationDto> {
  const found = await registrationsRepository(deps.db).findById(registrationId);
  const hidden = () => new AppError(ErrorCode.NOT_FOUND, 'No such registration.');
  if (!found) throw hidden();
  const result = await deps.db.transaction().execute(async (trx) => {
    const seats = seatsRepository(trx);
    const registrations = registrationsRepository(trx);
    const event = await seats.lock(found.event_id);
    if (!event) throw hidden();
    // Someone else's registration is indistinguishable from a missing one.
    if (found.user_id !== actor.id && !canManageEvent(event, actor)) throw hidden();
    const row = (await registrations.findById(registrationId, { forUpdate: true }))!;
    const cancellation = cancel(row.status, row.ticket_type_id);
    if (!cancellation) return toRegistrationDto(row);
    const cancelled = await registrations.markCancelled(registrationId);
    await seats.adjust(event.id, cancellation.delta);
    const { ledger } = await fillFreedSeats(deps.outbox, trx, event.id, { actorId: actor.id, origin });
    const audits = await registrationAuditMessages(deps.outbox, trx, [
      { action: 'registration.cancelled', actorId: actor.id, registrationId, changes: cancellation.changes, origin },
    ]);
    await deps.outbox.add(
      trx,
      registrationMessage(MessageType.RegistrationCancelled, cancelled, ledger),
      availabilityMessage(ledger),
      ...audits,
    );
    return toRegistrationDto(cancelled);
  });
  await deps.cache.delete(eventKey(found.event_id));
  return result;
}
