import { AppError, ErrorCode, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import { canManageEvent, canViewEvent, type AccessibleEvent, type EventDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { eventsRepository } from './events.repository.js';

/**
 * The event-service's use of the one definition of who may see and manage an event
 * (`canViewEvent`, `canManageEvent` in `@secureevent/contracts`, shared with the
 * notification-service and the web app): what it needs from the database to apply them, and the
 * audited refusal.
 */

/**
 * Whether `viewer` may see the event. For a private event this reads what admits someone besides
 * managing it: the invitation code they present (`invite`), or a live registration of theirs
 * (which they could only get through the link), so their ticket, calendar file and event page keep
 * working without the link.
 */
export async function mayView(
  db: Kysely<EventsDb>,
  event: AccessibleEvent & { id: string },
  viewer: AuthUser | undefined,
  invite: string | undefined,
): Promise<boolean> {
  if (event.visibility !== 'private' || !viewer || canManageEvent(event, viewer)) return canViewEvent(event, viewer);
  return canViewEvent(event, viewer, await eventsRepository(db).privatePass(event.id, viewer.id, invite));
}

/**
 * Throws unless `user` manages the event. Someone who cannot even see it gets NOT_FOUND (its
 * existence stays hidden); someone who can see it gets FORBIDDEN. Every denial is audited, in its
 * own transaction so that it survives the failed request.
 */
export async function assertCanManage(
  deps: { db: Kysely<EventsDb>; outbox: Outbox },
  eventId: string,
  user: AuthUser,
  origin: RequestOrigin,
): Promise<EventDto> {
  const event = await eventsRepository(deps.db).findById(eventId);
  if (event && canManageEvent(event, user)) return event;
  const listed = event?.organizerIds.includes(user.id) ?? false;
  await deps.db.transaction().execute((trx) =>
    recordAudit(deps.outbox, trx, {
      actorId: user.id,
      action: 'access.denied',
      targetId: eventId,
      outcome: 'failure',
      reason: listed ? 'listed organizer without an organizing role' : 'not a manager of this event',
      origin,
    }),
  );
  if (!event || !canViewEvent(event, user)) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  throw new AppError(
    ErrorCode.FORBIDDEN,
    listed ? 'Managing events needs the organizer role, which you no longer hold.' : 'Only the event’s organizers and admins can do this.',
  );
}
