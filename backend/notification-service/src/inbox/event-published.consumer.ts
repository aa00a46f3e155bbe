import { defineConsumer, newId } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { notificationsRepository } from './notifications.repository.js';

/** Tells an event's organizers that it went live. */
export const eventPublishedConsumer = defineConsumer<NotificationsDb>({
  name: 'event-published',
  handlers: {
    [MessageType.EventPublished]: async (trx, { envelope, data }) => {
      const repo = notificationsRepository(trx);
      for (const userId of data.organizerIds) {
        await repo.insert({
          id: newId('ntf'),
          user_id: userId,
          kind: 'event_published',
          title: `“${data.title}” is published`,
          body: 'Your event is now open for registration.',
          link: `/events/${data.eventId}`,
          source_message_id: envelope.id,
        });
      }
    },
  },
});
