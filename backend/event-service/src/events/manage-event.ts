import {
  AppError,
  ErrorCode,
  recordAudit,
  type AuthUser,
  type Cache,
  type OutgoingMessage,
  type Outbox,
  type RequestOrigin,
} from '@secureevent/shared';
import {
  MessageType,
  type EventCancelledV1,
  type EventDto,
  type EventPublishedV1,
  type EventUpdatedV1,
  type UpdateEventRequest,
} from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { peopleRepository } from '../registrations/people.repository.js';
import { availabilityMessage, promoteFromWaitlist } from '../registrations/registrations.repository.js';
import { assertEventConsistent, assertPublishable, assertTransition } from './event.js';
import { assertCanManage, canManage, mayOrganize } from './event-access.js';
import { eventsRepository } from './events.repository.js';
import { eventChangedKeys } from './event-cache.js';

/** What the event use cases need. */
export interface EventDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  cache: Cache;
}

/**
 * Re-reads the event under a row lock inside the transaction. Access was checked (and a denial
 * audited) before the transaction began; this only guards against a change in between.
 */
async function lockManaged(trx: Kysely<EventsDb>, eventId: string, actor: AuthUser): Promise<EventDto> {
  const event = await eventsRepository(trx).findById(eventId, { forUpdate: true });
  if (!event) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  if (!canManage(event, actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only the event’s organizers and admins can do this.');
  return event;
}

async function liveUserIds(trx: Kysely<EventsDb>, eventId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('registrations')
    .select('user_id')
    .where('event_id', '=', eventId)
    .where('status', '<>', 'cancelled')
    .execute();
  return rows.map((r) => r.user_id);
}

/**
 * Publishes a draft: checks the caller manages it, applies the state transition, and writes
 * `event.published.v1` to the outbox in the same transaction.
 */
export async function publishEvent(deps: EventDeps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<EventDto> {
  await assertCanManage(deps, eventId, actor, origin);
  const published = await deps.db.transaction().execute(async (trx) => {
    const repo = eventsRepository(trx);
    const event = await lockManaged(trx, eventId, actor);
    assertPublishable(event);
    const updated = await repo.markPublished(eventId);
    const data: EventPublishedV1 = {
      eventId: updated.id,
      title: updated.title,
      startsAt: updated.startsAt,
      endsAt: updated.endsAt,
      timeZone: updated.timeZone,
      visibility: updated.visibility,
      capacity: updated.capacity,
      organizerIds: updated.organizerIds,
      publishedBy: actor.id,
      publishedAt: updated.publishedAt ?? new Date().toISOString(),
    };
    await deps.outbox.add(trx, { type: MessageType.EventPublished, subject: updated.id, data });
    await recordAudit(deps.outbox, trx, { actorId: actor.id, action: 'event.published', targetId: eventId, outcome: 'success', origin });
    return updated;
  });
  await deps.cache.delete(...eventChangedKeys(eventId));
  return published;
}

/**
 * Edits an event. Capacity may not drop below the confirmed count; raising it promotes people
 * from the waitlist at once. Editing a published event tells everyone registered.
 */
export async function updateEvent(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  changes: UpdateEventRequest,
  origin: RequestOrigin,
): Promise<EventDto> {
  await assertCanManage(deps, eventId, actor, origin);
  const updated = await deps.db.transaction().execute(async (trx) => {
    const repo = eventsRepository(trx);
    const event = await lockManaged(trx, eventId, actor);
    if (event.status === 'cancelled' || event.status === 'completed') {
      throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `A ${event.status} event cannot be edited.`);
    }
    // The change against the stored event: a field is checked with its partners even when only it was sent.
    assertEventConsistent({ ...event, ...changes });
    if (changes.capacity !== undefined && changes.capacity < event.availability.confirmed) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Capacity cannot be lower than the number of confirmed attendees.', {
        errors: [{ field: 'body.capacity', message: `must be at least ${event.availability.confirmed} (confirmed attendees)` }],
      });
    }
    let result = await repo.update(eventId, changes);
    const promoted =
      changes.capacity !== undefined && changes.capacity > event.capacity
        ? await promoteFromWaitlist(trx, deps.outbox, result, changes.capacity - event.capacity)
        : 0;
    if (promoted > 0) result = (await repo.findById(eventId))!;
    const changed = Object.keys(changes).filter(
      (k) => JSON.stringify(changes[k as keyof UpdateEventRequest]) !== JSON.stringify(event[k as keyof EventDto]),
    );
    if (event.status === 'published' && changed.length > 0) {
      await deps.outbox.add(trx, eventUpdatedMessage(result, actor, changed, await liveUserIds(trx, eventId)));
      if (changes.capacity !== undefined) await deps.outbox.add(trx, availabilityMessage(result));
    }
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.updated',
      targetId: eventId,
      outcome: 'success',
      reason: changed.join(',') || null,
      origin,
    });
    return result;
  });
  await deps.cache.delete(...eventChangedKeys(eventId));
  return updated;
}

/** Cancels a published event: every registration is released, and everyone registered is told. */
export async function cancelEvent(deps: EventDeps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<EventDto> {
  await assertCanManage(deps, eventId, actor, origin);
  const cancelled = await deps.db.transaction().execute(async (trx) => {
    const repo = eventsRepository(trx);
    const event = await lockManaged(trx, eventId, actor);
    assertTransition(event.status, 'cancelled');
    const affected = await liveUserIds(trx, eventId);
    await trx
      .updateTable('registrations')
      .set({ status: 'cancelled', cancelled_at: new Date(), waitlist_seq: null })
      .where('event_id', '=', eventId)
      .where('status', '<>', 'cancelled')
      .execute();
    const result = await repo.markCancelled(eventId);
    const data: EventCancelledV1 = {
      eventId,
      title: result.title,
      visibility: result.visibility,
      registeredUserIds: affected,
      cancelledBy: actor.id,
      cancelledAt: new Date().toISOString(),
    };
    await deps.outbox.add(trx, { type: MessageType.EventCancelled, subject: eventId, data }, availabilityMessage(result));
    await recordAudit(deps.outbox, trx, { actorId: actor.id, action: 'event.cancelled', targetId: eventId, outcome: 'success', origin });
    return result;
  });
  await deps.cache.delete(...eventChangedKeys(eventId));
  return cancelled;
}

/**
 * Adds a co-organizer by user id; they can then manage the event like its owner. Only someone the
 * event-service knows (from the user-service's messages) to hold the organizer or admin role can
 * be added: an unknown id and a plain attendee are refused alike, with VALIDATION_FAILED.
 */
export async function addCoOrganizer(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  userId: string,
  origin: RequestOrigin,
): Promise<EventDto> {
  await assertCanManage(deps, eventId, actor, origin);
  const updated = await deps.db.transaction().execute(async (trx) => {
    const repo = eventsRepository(trx);
    const event = await lockManaged(trx, eventId, actor);
    const roles = await peopleRepository(trx).rolesOf(userId);
    if (!roles || !mayOrganize(roles)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Only an existing user with the organizer or admin role can be a co-organizer.', {
        errors: [{ field: 'body.userId', message: 'must be a user with the organizer or admin role' }],
      });
    }
    if (event.organizerIds.includes(userId)) return event;
    const result = await repo.addOrganizer(eventId, userId);
    await announceOrganizers(deps.outbox, trx, result, actor);
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.co_organizer_added',
      targetId: eventId,
      outcome: 'success',
      reason: userId,
      origin,
    });
    return result;
  });
  await deps.cache.delete(...eventChangedKeys(eventId));
  return updated;
}

/**
 * Takes someone off an event's organizers (any organizer may, themselves included). The event keeps
 * at least one: removing the last is a CONFLICT (an admin can add another first). Someone who is not
 * an organizer of the event is NOT_FOUND.
 */
export async function removeCoOrganizer(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  userId: string,
  origin: RequestOrigin,
): Promise<EventDto> {
  await assertCanManage(deps, eventId, actor, origin);
  const updated = await deps.db.transaction().execute(async (trx) => {
    const event = await lockManaged(trx, eventId, actor);
    if (!event.organizerIds.includes(userId)) throw new AppError(ErrorCode.NOT_FOUND, 'That user is not an organizer of this event.');
    if (event.organizerIds.length === 1) throw new AppError(ErrorCode.CONFLICT, 'An event keeps at least one organizer.');
    const result = (await eventsRepository(trx).removeOrganizer(eventId, userId))!;
    await announceOrganizers(deps.outbox, trx, result, actor);
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.co_organizer_removed',
      targetId: eventId,
      outcome: 'success',
      reason: userId,
      origin,
    });
    return result;
  });
  await deps.cache.delete(...eventChangedKeys(eventId));
  return updated;
}

/**
 * Others keep who manages a published event (the real-time gateway: who may watch a private event
 * and see its check-ins). Attendees are not told: registeredUserIds stays empty. Drafts announce nothing.
 */
async function announceOrganizers(outbox: Outbox, trx: Kysely<EventsDb>, event: EventDto, actor: AuthUser): Promise<void> {
  if (event.status === 'published') await outbox.add(trx, eventUpdatedMessage(event, actor, ['organizerIds'], []));
}

/** `event.updated.v1` for a published event after a change: its current details and who manages it. */
function eventUpdatedMessage(
  event: EventDto,
  actor: AuthUser,
  changed: string[],
  registeredUserIds: string[],
): OutgoingMessage<EventUpdatedV1> {
  return {
    type: MessageType.EventUpdated,
    subject: event.id,
    data: {
      eventId: event.id,
      title: event.title,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timeZone: event.timeZone,
      visibility: event.visibility,
      changed,
      registeredUserIds,
      organizerIds: event.organizerIds,
      updatedBy: actor.id,
      updatedAt: new Date().toISOString(),
    },
  };
}

/** How many tickets of the event have been scanned. */
export async function checkedInCount(db: Kysely<EventsDb>, eventId: string): Promise<number> {
  const r = await db
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('event_id', '=', eventId)
    .where('checked_in_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
