import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import { MessageType, type RegistrationDto } from '@secureevent/contracts';
import { canManage } from '../events/event-access.js';
import { eventsRepository } from '../events/events.repository.js';
import { availabilityMessage, promoteFromWaitlist, registrationMessage, toRegistrationDto } from './registrations.repository.js';
import type { RegistrationDeps } from './register-for-event.js';
import { eventKey } from '../events/event-cache.js';

/**
 * Cancels a registration (its holder, or a manager of the event). A freed seat goes at once to the
 * head of the waitlist, in the same transaction. The event row is locked first, as everywhere, so
 * concurrent cancellations promote exactly as many people as seats were freed and cannot deadlock.
 */
export async function cancelRegistration(deps: RegistrationDeps, actor: AuthUser, registrationId: string): Promise<RegistrationDto> {
  const found = await deps.db
    .selectFrom('registrations')
    .select(['event_id', 'user_id'])
    .where('id', '=', registrationId)
    .executeTakeFirst();
  const hidden = () => new AppError(ErrorCode.NOT_FOUND, 'No such registration.');
  if (!found) throw hidden();
  const result = await deps.db.transaction().execute(async (trx) => {
    const event = await eventsRepository(trx).findById(found.event_id, { forUpdate: true });
    if (!event) throw hidden();
    // Someone else's registration is indistinguishable from a missing one.
    if (found.user_id !== actor.id && !canManage(event, actor)) throw hidden();
    const row = await trx.selectFrom('registrations').selectAll().where('id', '=', registrationId).forUpdate().executeTakeFirstOrThrow();
    if (row.status === 'cancelled') return toRegistrationDto(row);
    const cancelled = await trx
      .updateTable('registrations')
      .set({ status: 'cancelled', cancelled_at: new Date(), waitlist_seq: null })
      .where('id', '=', registrationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.status === 'confirmed') {
      await trx
        .updateTable('events')
        .set((eb) => ({ confirmed_count: eb('confirmed_count', '-', 1) }))
        .where('id', '=', event.id)
        .execute();
      const freed = (await eventsRepository(trx).findById(event.id))!;
      await promoteFromWaitlist(trx, deps.outbox, freed, 1);
    } else {
      await trx
        .updateTable('events')
        .set((eb) => ({ waitlisted_count: eb('waitlisted_count', '-', 1) }))
        .where('id', '=', event.id)
        .execute();
    }
    const after = (await eventsRepository(trx).findById(event.id))!;
    await deps.outbox.add(trx, registrationMessage(MessageType.RegistrationCancelled, cancelled, after), availabilityMessage(after));
    return toRegistrationDto(cancelled);
  });
  await deps.cache.delete(eventKey(found.event_id));
  return result;
}
