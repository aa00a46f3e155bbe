import {
  AppError,
  ErrorCode,
  newId,
  recordAudit,
  type AuthUser,
  type Cache,
  type OutgoingMessage,
  type Outbox,
  type RequestOrigin,
} from '@secureevent/shared';
import { canManageEvent, MessageType, type EventDto, type UpdateEventRequest } from '@secureevent/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { fillFreedSeats, registrantsOf, releaseRegistrationsOf, ticketTypesInUse } from '../registrations/event-registrations.js';
import { mayBeCoOrganizer } from '../registrations/people.js';
import { availabilityMessage, countsOf } from '../registrations/registration-messages.js';
import { addOrganizer, announcesChanges, applyChanges, cancel, complete, publish, removeOrganizer, type FieldChanged } from './event.js';
import { assertCanManage } from './event-access.js';
import { eventsRepository } from './events.repository.js';
import { eventChangedKeys } from './event-cache.js';

/** What the event use cases need. */
export interface EventDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  cache: Cache;
}

type ManagedAction =
  'event.updated' | 'event.published' | 'event.cancelled' | 'event.completed' | 'event.co_organizer_added' | 'event.co_organizer_removed';

/**
 * The frame every change of an event by its managers shares: access checked (and a denial
 * audited) before the transaction; inside it, the event re-read under its row lock and access
 * re-checked (a change in between), then `change` (the domain rule and the write, answering the
 * event afterwards and what changed), then the audit record with its changes; after commit the
 * event's cache keys deleted.
 */
async function manage(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  origin: RequestOrigin,
  audit: { action: ManagedAction; reason?: (changes: readonly FieldChanged[]) => string | null },
  change: (trx: Transaction<EventsDb>, event: EventDto) => Promise<{ event: EventDto; changes: FieldChanged[] } | undefined>,
): Promise<EventDto> {
  await assertCanManage(deps, eventId, actor, origin);
  const result = await deps.db.transaction().execute(async (trx) => {
    const event = await eventsRepository(trx).findById(eventId, { forUpdate: true });
    if (!event) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
    if (!canManageEvent(event, actor)) throw new AppError(ErrorCode.FORBIDDEN, 'Only the event’s organizers and admins can do this.');
    const done = await change(trx, event);
    // Nothing to do (e.g. adding someone already listed): nothing written, nothing audited.
    if (!done) return event;
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: audit.action,
      targetId: eventId,
      outcome: 'success',
      reason: audit.reason?.(done.changes) ?? null,
      origin,
      changes: done.changes,
    });
    return done.event;
  });
  await deps.cache.delete(...eventChangedKeys(eventId));
  return result;
}

/** Publishes a draft that has not ended yet, and announces it with `event.published.v1`. */
export function publishEvent(deps: EventDeps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<EventDto> {
  return manage(deps, actor, eventId, origin, { action: 'event.published' }, async (trx, event) => {
    const changes = publish(event);
    const updated = await eventsRepository(trx).markPublished(eventId);
    await deps.outbox.add(trx, {
      type: MessageType.EventPublished,
      subject: updated.id,
      data: {
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
      },
    });
    return { event: updated, changes };
  });
}

/**
 * Edits an event (`applyChanges` decides what is allowed and what changed, ticket types and
 * capacities included). Raising a capacity or a ticket type's quota promotes people from the
 * waitlists at once; editing a published event tells everyone registered.
 */
export function updateEvent(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  patch: UpdateEventRequest,
  origin: RequestOrigin,
): Promise<EventDto> {
  const reason = (changes: readonly FieldChanged[]) => changes.map((c) => c.field).join(',') || null;
  return manage(deps, actor, eventId, origin, { action: 'event.updated', reason }, async (trx, event) => {
    const { changes, ticketTypes } = applyChanges(event, patch, () => newId('tkt'));
    const repo = eventsRepository(trx);
    // The plan refuses removing a type with confirmed or waitlisted people; a type that only
    // pending, cancelled or rejected registrations name is kept all the same: they record it.
    const inUse = ticketTypes ? await ticketTypesInUse(trx, ticketTypes.removed) : [];
    if (inUse.length > 0) {
      const names = event.ticketTypes.filter((t) => inUse.includes(t.id)).map((t) => `“${t.name}”`);
      throw new AppError(
        ErrorCode.CONFLICT,
        `A ticket type that registrations refer to cannot be removed: ${names.join(', ')}. Hide it or lower its capacity instead.`,
      );
    }
    const { capacity: _capacity, ticketTypes: _types, ...fields } = patch;
    let result = await repo.update(eventId, fields, ticketTypes);
    if (ticketTypes) {
      // Any quota may have grown (or a new type come): let the waiting in where both limits allow.
      const { promoted } = await fillFreedSeats(deps.outbox, trx, eventId, { actorId: actor.id, origin });
      if (promoted > 0) result = (await repo.findById(eventId))!;
    }
    if (announcesChanges(event, changes)) {
      const changed = changes.map((c) => c.field);
      await deps.outbox.add(trx, eventUpdatedMessage(result, actor, changed, await registrantsOf(trx, eventId)));
      if (ticketTypes) await deps.outbox.add(trx, availabilityMessage(countsOf(result)));
    }
    return { event: result, changes };
  });
}

/** Cancels a published event: every registration is released, and everyone registered is told. */
export function cancelEvent(deps: EventDeps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<EventDto> {
  return manage(deps, actor, eventId, origin, { action: 'event.cancelled' }, async (trx, event) => {
    const changes = cancel(event);
    const affected = await releaseRegistrationsOf(deps.outbox, trx, eventId, { actorId: actor.id, origin });
    const result = await eventsRepository(trx).markCancelled(eventId);
    await deps.outbox.add(
      trx,
      {
        type: MessageType.EventCancelled,
        subject: eventId,
        data: {
          eventId,
          title: result.title,
          visibility: result.visibility,
          registeredUserIds: affected,
          cancelledBy: actor.id,
          cancelledAt: new Date().toISOString(),
        },
      },
      availabilityMessage(countsOf(result)),
    );
    return { event: result, changes };
  });
}

/**
 * Marks a published event that has ended as completed: registration and cancellation close for
 * good, the record stays (attendee lists, check-ins, reports). Nobody is told; the audit trail
 * records who closed it.
 */
export function completeEvent(deps: EventDeps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<EventDto> {
  return manage(deps, actor, eventId, origin, { action: 'event.completed' }, async (trx, event) => {
    const changes = complete(event);
    return { event: await eventsRepository(trx).markCompleted(eventId), changes };
  });
}

/**
 * Adds a co-organizer by user id; they can then manage the event like its owner. Only someone the
 * event-service knows (from the user-service's messages) to hold the organizer or admin role can
 * be added: an unknown id and a plain attendee are refused alike, with VALIDATION_FAILED.
 */
export function addCoOrganizer(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  userId: string,
  origin: RequestOrigin,
): Promise<EventDto> {
  return manage(deps, actor, eventId, origin, { action: 'event.co_organizer_added', reason: () => userId }, async (trx, event) => {
    if (!(await mayBeCoOrganizer(trx, userId))) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Only an existing user with the organizer or admin role can be a co-organizer.', {
        errors: [{ field: 'body.userId', message: 'must be a user with the organizer or admin role' }],
      });
    }
    const changes = addOrganizer(event, userId);
    if (changes.length === 0) return undefined;
    return announceOrganizers(deps.outbox, trx, await eventsRepository(trx).addOrganizer(eventId, userId), actor, changes);
  });
}

/**
 * Takes someone off an event's organizers (any organizer may, themselves included). The event keeps
 * at least one: removing the last is a CONFLICT (an admin can add another first). Someone who is not
 * an organizer of the event is NOT_FOUND.
 */
export function removeCoOrganizer(
  deps: EventDeps,
  actor: AuthUser,
  eventId: string,
  userId: string,
  origin: RequestOrigin,
): Promise<EventDto> {
  return manage(deps, actor, eventId, origin, { action: 'event.co_organizer_removed', reason: () => userId }, async (trx, event) => {
    const changes = removeOrganizer(event, userId);
    return announceOrganizers(deps.outbox, trx, (await eventsRepository(trx).removeOrganizer(eventId, userId))!, actor, changes);
  });
}

/**
 * Others keep who manages a published event (the real-time gateway: who may watch a private event
 * and see its check-ins). Attendees are not told: registeredUserIds stays empty. Drafts announce nothing.
 */
async function announceOrganizers(outbox: Outbox, trx: Transaction<EventsDb>, event: EventDto, actor: AuthUser, changes: FieldChanged[]) {
  if (event.status === 'published') await outbox.add(trx, eventUpdatedMessage(event, actor, ['organizerIds'], []));
  return { event, changes };
}

/** `event.updated.v1` for a published event after a change: its current details and who manages it. */
function eventUpdatedMessage(
  event: EventDto,
  actor: AuthUser,
  changed: string[],
  registeredUserIds: string[],
): OutgoingMessage<typeof MessageType.EventUpdated> {
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
