import { AppError, ErrorCode, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import {
  MessageType,
  normaliseTicketCode,
  type Checkin,
  type CheckinRequest,
  type CheckinSearchQuery,
  type CheckinSearchResult,
  type CheckinStats,
} from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { assertCanManage } from '../events/event-access.js';
import type { TicketSigner } from '../registrations/tickets.js';
import { parseAttendeeQuery } from './attendee-search.js';
import { checkinsRepository } from './checkins.repository.js';
import { notATicket, refusal, undoRefusal } from './ticket-scan.js';

type Deps = { db: Kysely<EventsDb>; outbox: Outbox; tickets: TicketSigner };

/** The registration a presented ticket stands for: a signed token is checked without the database, a short code is looked up. */
async function registrationOf(deps: Deps, eventId: string, presented: CheckinRequest): Promise<string> {
  if ('ticketToken' in presented) {
    const id = deps.tickets.verify(presented.ticketToken, eventId);
    if (!id) throw notATicket();
    return id;
  }
  const code = normaliseTicketCode(presented.code);
  const id = code ? await checkinsRepository(deps.db).findIdByCode(eventId, code) : undefined;
  if (!id) throw notATicket();
  return id;
}

/**
 * Checks a ticket in at the door, by its QR's signed token or by its short code. The check-in is
 * one conditional UPDATE, so a ticket is valid exactly once even when two scanners read it at the
 * same moment. A second scan answers ALREADY_CHECKED_IN with when, by whom, and whose ticket it is.
 */
export async function checkIn(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  presented: CheckinRequest,
  origin: RequestOrigin,
): Promise<Checkin> {
  // Managers only, before anything else: a code look-up must not answer strangers.
  await assertCanManage(deps, eventId, actor, origin);
  const registrationId = await registrationOf(deps, eventId, presented);
  return deps.db.transaction().execute(async (trx) => {
    const checkins = checkinsRepository(trx);
    const done = await checkins.checkIn(registrationId, eventId, actor.id, new Date());
    if (!done) throw refusal(await checkins.findScanned(registrationId), await checkins.holderOf(registrationId));
    const count = await checkins.checkedInCount(eventId);
    const attendee = (await checkins.holderOf(registrationId))!;
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
    return { registrationId: done.id, userId: done.userId, checkedInAt, checkedInBy: actor.id, checkedIn: count, attendee };
  });
}

/** The door dashboard's counts, for the event's managers. */
export async function checkinStats(deps: Deps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<CheckinStats> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  return { checkedIn: await checkinsRepository(deps.db).checkedInCount(eventId), confirmed: event.availability.confirmed };
}

/** The door's search: confirmed attendees of the event by the start of their name, email or code, for its managers. */
export async function searchAttendees(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  query: CheckinSearchQuery,
  origin: RequestOrigin,
): Promise<CheckinSearchResult> {
  await assertCanManage(deps, eventId, actor, origin);
  const found = await checkinsRepository(deps.db).search(eventId, parseAttendeeQuery(query.q), query.limit);
  return {
    items: found.map((a) => ({ ...a, checkedInAt: a.checkedInAt ? a.checkedInAt.toISOString() : null })),
  };
}

/**
 * Undoes a check-in of the event made less than 10 minutes ago (a wrong tap at the door); audited
 * with who undid it and the check-in it removed, and announced as `checkin.undone.v1` so that the
 * other doors see it live. Anything else is refused and changes nothing.
 */
export async function undoCheckIn(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  registrationId: string,
  origin: RequestOrigin,
): Promise<CheckinStats> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  return deps.db.transaction().execute(async (trx) => {
    const checkins = checkinsRepository(trx);
    const current = await checkins.findScanned(registrationId);
    if (!current || (await checkins.findIdByRegistration(eventId, registrationId)) === undefined) {
      throw new AppError(ErrorCode.NOT_FOUND, 'No such registration in this event.');
    }
    const refused = undoRefusal(current.checkedInAt, new Date());
    if (refused) throw refused;
    if (!(await checkins.undo(registrationId, eventId, current.checkedInAt!))) {
      throw new AppError(ErrorCode.CONFLICT, 'This check-in changed meanwhile; look again.');
    }
    const checkedIn = await checkins.checkedInCount(eventId);
    // The other doors and the organizers' views follow the count live, as they do check-ins.
    await deps.outbox.add(trx, {
      type: MessageType.CheckinUndone,
      subject: registrationId,
      data: {
        registrationId,
        eventId,
        userId: current.userId,
        undoneBy: actor.id,
        undoneAt: new Date().toISOString(),
        checkedInAt: current.checkedInAt!.toISOString(),
        checkedIn,
      },
    });
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'checkin.undone',
      targetId: registrationId,
      outcome: 'success',
      origin,
      changes: [{ field: 'checkedInAt', from: current.checkedInAt!.toISOString(), to: null }],
    });
    return { checkedIn, confirmed: event.availability.confirmed };
  });
}
