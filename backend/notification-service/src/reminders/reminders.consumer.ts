import { defineConsumer } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { remindersRepository } from './reminders.repository.js';

/**
 * Keeps the reminder schedule in step with the event-service: a seat schedules a reminder per
 * offset, a cancelled registration or event drops them, and an event that moves moves them.
 */
export function remindersConsumer(clock: () => Date) {
  return defineConsumer<NotificationsDb>({
    name: 'reminders',
    handlers: {
      [MessageType.EventPublished]: async (trx, { data }) => {
        await remindersRepository(trx).upsertEvent({
          eventId: data.eventId,
          title: data.title,
          startsAt: new Date(data.startsAt),
          endsAt: new Date(data.endsAt),
          timeZone: data.timeZone,
          version: new Date(data.publishedAt),
        });
      },
      [MessageType.EventUpdated]: async (trx, { data }) => {
        const repo = remindersRepository(trx);
        const startsAt = new Date(data.startsAt);
        const applied = await repo.upsertEvent({
          eventId: data.eventId,
          title: data.title,
          startsAt,
          endsAt: new Date(data.endsAt),
          timeZone: data.timeZone,
          version: new Date(data.updatedAt),
        });
        if (applied) await repo.reschedule(data.eventId, startsAt, clock());
      },
      [MessageType.EventCancelled]: async (trx, { data }) => {
        await remindersRepository(trx).cancelEvent({ eventId: data.eventId, title: data.title, at: new Date(data.cancelledAt) });
      },
      [MessageType.RegistrationConfirmed]: (trx, { data }) => scheduleFor(trx, data, clock),
      [MessageType.RegistrationPromoted]: (trx, { data }) => scheduleFor(trx, data, clock),
      [MessageType.RegistrationCancelled]: async (trx, { data }) => {
        await remindersRepository(trx).drop(
          { registrationId: data.registrationId, eventId: data.eventId, userId: data.userId, at: new Date(data.at) },
          new Date(data.startsAt),
        );
      },
    },
  });
}

async function scheduleFor(
  trx: Parameters<typeof remindersRepository>[0],
  data: { registrationId: string; eventId: string; userId: string; eventTitle: string; startsAt: string; at: string },
  clock: () => Date,
) {
  const repo = remindersRepository(trx);
  await repo.ensureEvent({ eventId: data.eventId, title: data.eventTitle, startsAt: new Date(data.startsAt) });
  const event = await repo.findEvent(data.eventId);
  // The projection is at least as new as the registration message: the event may have moved or been cancelled since.
  if (!event || event.cancelled_at) return;
  await repo.schedule(
    { registrationId: data.registrationId, eventId: data.eventId, userId: data.userId, at: new Date(data.at) },
    new Date(event.starts_at),
    clock(),
  );
}
