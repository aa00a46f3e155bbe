import { AppError, ErrorCode, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import { MessageType, type Checkin, type CheckinStats } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { assertCanManage } from '../events/event-access.js';
import type { TicketSigner } from '../registrations/tickets.js';
import { checkinsRepository } from './checkins.repository.js';
import { refusal } from './ticket-scan.js';

type Deps = { db: Kysely<EventsDb>; outbox: Outbox; tickets: TicketSigner };

/**
 * Checks a ticket in at the door. The signature is verified without touching the database; the
 * check-in itself is one conditional UPDATE, so a ticket is valid exactly once even when two
 * scanners read it at the same moment. A second scan answers ALREADY_CHECKED_IN with when and by whom.
 */
export async function checkIn(deps: Deps, actor: AuthUser, eventId: string, ticketToken: string, origin: RequestOrigin): Promise<Checkin> {
  await assertCanManage(deps, eventId, actor, origin);
  const registrationId = deps.tickets.verify(ticketToken, eventId);
  if (!registrationId) throw new AppError(ErrorCode.INVALID_TICKET, 'This is not a valid ticket for this event.');
  return deps.db.transaction().execute(async (trx) => {
    const checkins = checkinsRepository(trx);
    const done = await checkins.checkIn(registrationId, eventId, actor.id, new Date());
    if (!done) throw refusal(await checkins.findScanned(registrationId));
    const count = await checkins.checkedInCount(eventId);
    const checkedInAt = done.checkedInAt.toISOString();
    await deps.outbox.add(trx, {
      type: MessageType.CheckinRecorded,
      subject: done.id,
      data: { registrationId: done.id, eventId, userId: done.userId, checkedInBy: actor.id, checkedInAt, checkedIn: count },
    });
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'checkin.recorded',
      targetId: done.id,
      outcome: 'success',
      origin,
      changes: [{ field: 'checkedInAt', from: null, to: checkedInAt }],
    });
    return { registrationId: done.id, userId: done.userId, checkedInAt, checkedInBy: actor.id, checkedIn: count };
  });
}

/** The door dashboard's counts, for the event's managers. */
export async function checkinStats(deps: Deps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<CheckinStats> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  return { checkedIn: await checkinsRepository(deps.db).checkedInCount(eventId), confirmed: event.availability.confirmed };
}
