import { AppError, ErrorCode, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { EventDto, Role } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { eventsRepository } from './events.repository.js';

/**
 * Who may see and who may manage an event: the one place these rules live.
 *
 * Managing (editing, publishing, cancelling, the attendee list and its export, check-in,
 * co-organizers) needs two things at once: the caller holds a role that may organize *now*
 * (organizer or admin, as their current token says), and is one of the event's organizers —
 * admins manage every event. Being listed on an event is not enough on its own: an organizer whose
 * role an admin removed loses their events with their next token, while the list still says who
 * they were, so that an admin can hand the events over.
 */

/** The roles that may organize events. */
export const ORGANIZING_ROLES: readonly Role[] = ['organizer', 'admin'];

/** True when someone with `roles` may organize events (and so be made a co-organizer). */
export function mayOrganize(roles: readonly string[]): boolean {
  return ORGANIZING_ROLES.some((r) => roles.includes(r));
}

/** True when `user` may manage the event: an admin, or one of its organizers who still may organize. */
export function canManage(event: Pick<EventDto, 'organizerIds'>, user: { id: string; roles: readonly string[] }): boolean {
  if (user.roles.includes('admin')) return true;
  return mayOrganize(user.roles) && event.organizerIds.includes(user.id);
}

/** Who may see an event: drafts only its managers; internal ones any signed-in user; public ones anyone. */
export function canView(
  event: Pick<EventDto, 'status' | 'visibility' | 'organizerIds'>,
  viewer: { id: string; roles: readonly string[] } | undefined,
  /** The caller presented the event's invitation code (private events). */
  invited = false,
): boolean {
  if (viewer && canManage(event, viewer)) return true;
  if (event.status === 'draft') return false;
  if (event.visibility === 'public') return true;
  if (event.visibility === 'internal') return viewer !== undefined;
  // Private events are seen through their invitation link, by signed-in people only.
  return event.visibility === 'private' && invited && viewer !== undefined;
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
  if (!event || !canView(event, user)) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  throw new AppError(
    ErrorCode.FORBIDDEN,
    listed ? 'Managing events needs the organizer role, which you no longer hold.' : 'Only the event’s organizers and admins can do this.',
  );
}
