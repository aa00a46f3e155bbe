import { AppError, ErrorCode, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { EventDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { canView } from './event.js';
import { eventsRepository } from './events.repository.js';

/** True when `user` may manage the event: one of its organizers, or an admin. */
export function canManage(event: Pick<EventDto, 'organizerIds'>, user: AuthUser): boolean {
  return user.roles.includes('admin') || event.organizerIds.includes(user.id);
}

/**
 * Throws unless `user` manages the event. Someone who cannot even see it gets 404 (its existence
 * stays hidden); someone who can see it gets 403. Every denial is audited, in its own transaction
 * so that it survives the failed request.
 */
export async function assertCanManage(
  deps: { db: Kysely<EventsDb>; outbox: Outbox },
  eventId: string,
  user: AuthUser,
  origin: RequestOrigin,
): Promise<EventDto> {
  const event = await eventsRepository(deps.db).findById(eventId);
  if (event && canManage(event, user)) return event;
  await deps.db.transaction().execute((trx) =>
    recordAudit(deps.outbox, trx, {
      actorId: user.id,
      action: 'access.denied',
      targetId: eventId,
      outcome: 'failure',
      reason: 'not a manager of this event',
      origin,
    }),
  );
  if (!event || !canView(event, user)) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  throw new AppError(ErrorCode.FORBIDDEN, 'Only the event’s organizers and admins can do this.');
}
