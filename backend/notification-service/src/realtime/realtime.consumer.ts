import { defineConsumer, type ConsumerDefinition, type MessageHandler } from '@secureevent/shared';
import { MessageType, type RegistrationChangedV1 } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { eventAccessRepository } from './event-access.repository.js';
import type { RoomFrame } from './fanout.js';

/**
 * Keeps the event projection that room access is decided on, and turns event messages into
 * pushes to `event:<id>` rooms once the projection change has committed.
 */
export function realtimeConsumer(publish: (f: RoomFrame) => void): ConsumerDefinition<NotificationsDb> {
  /** The check-in count of an event after a check-in or its undo, to the event's managers only. */
  const publishCheckins = (eventId: string, checkedIn: number, at: string, change: 'recorded' | 'undone', registrationId: string) =>
    publish({
      room: `event:${eventId}`,
      frame: { type: 'checkins', eventId, checkedIn, at, change, registrationId },
      managersOnly: true,
    });
  // Confirmed, waitlisted or promoted: a live registration, which lets its holder watch a private event.
  const registered: MessageHandler<NotificationsDb, RegistrationChangedV1> = (trx, { data }) =>
    eventAccessRepository(trx).registered(data.eventId, [data.userId]);
  return defineConsumer<NotificationsDb>({
    name: 'realtime',
    handlers: {
      // Each event message carries the time of its change: the projection applies only what is newer.
      [MessageType.EventPublished]: (trx, { data }) =>
        eventAccessRepository(trx).apply(data.eventId, new Date(data.publishedAt), {
          visibility: data.visibility,
          status: 'published',
          organizerIds: data.organizerIds,
        }),
      [MessageType.EventUpdated]: async (trx, { data, afterCommit }) => {
        const repo = eventAccessRepository(trx);
        const applied = await repo.apply(data.eventId, new Date(data.updatedAt), {
          visibility: data.visibility,
          organizerIds: data.organizerIds,
        });
        await repo.registered(data.eventId, data.registeredUserIds);
        // A change older than what the room already heard is not news.
        if (!applied) return;
        // Who may watch can have changed (narrower visibility, new co-organizers): every replica
        // checks its members of the room again before passing the change on.
        const recheck = data.changed.includes('visibility') || data.changed.includes('organizerIds');
        afterCommit(() =>
          publish({
            room: `event:${data.eventId}`,
            frame: { type: 'event', eventId: data.eventId, change: 'updated', changed: data.changed, at: data.updatedAt },
            ...(recheck ? { recheck: true } : {}),
          }),
        );
      },
      [MessageType.EventCancelled]: async (trx, { data, afterCommit }) => {
        await eventAccessRepository(trx).apply(data.eventId, new Date(data.cancelledAt), {
          visibility: data.visibility,
          status: 'cancelled',
        });
        afterCommit(() =>
          publish({
            room: `event:${data.eventId}`,
            frame: { type: 'event', eventId: data.eventId, change: 'cancelled', at: data.cancelledAt },
          }),
        );
      },
      [MessageType.EventAvailabilityChanged]: async (trx, { data, afterCommit }) => {
        await eventAccessRepository(trx).ensure(data.eventId, data.visibility);
        const { capacity, confirmed, seatsLeft, waitlisted } = data;
        // The room is everyone's who may see the event: hidden ticket types are not announced to it.
        const ticketTypes = data.ticketTypes?.filter((t) => !t.hidden).map(({ hidden: _hidden, ...t }) => t);
        afterCommit(() =>
          publish({
            room: `event:${data.eventId}`,
            frame: {
              type: 'availability',
              eventId: data.eventId,
              availability: { capacity, confirmed, seatsLeft, waitlisted, ...(ticketTypes ? { ticketTypes } : {}) },
              at: data.at,
            },
          }),
        );
      },
      [MessageType.RegistrationConfirmed]: registered,
      [MessageType.RegistrationWaitlisted]: registered,
      [MessageType.RegistrationPromoted]: registered,
      [MessageType.RegistrationCancelled]: async (trx, { data, afterCommit }) => {
        const repo = eventAccessRepository(trx);
        await repo.unregistered(data.eventId, data.userId);
        // A private event is watched by its registrants only: whoever cancelled leaves its room now.
        if ((await repo.find(data.eventId, undefined))?.visibility !== 'private') return;
        const room = `event:${data.eventId}`;
        afterCommit(() => publish({ room, frame: { type: 'unsubscribed', room }, evictUserId: data.userId }));
      },
      [MessageType.CheckinRecorded]: (_trx, { data, afterCommit }) => {
        afterCommit(() => publishCheckins(data.eventId, data.checkedIn, data.checkedInAt, 'recorded', data.registrationId));
        return Promise.resolve();
      },
      // An undo at one door reaches the others the way a check-in does: the new count, to managers only.
      [MessageType.CheckinUndone]: (_trx, { data, afterCommit }) => {
        afterCommit(() => publishCheckins(data.eventId, data.checkedIn, data.undoneAt, 'undone', data.registrationId));
        return Promise.resolve();
      },
    },
  });
}
