import { defineConsumer } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { peopleRepository } from './people.repository.js';

/**
 * Keeps the event-service's own copy of names and emails (attendee lists and exports) and of roles
 * (who may be made a co-organizer), each newest-wins: `at` is when the user-service made the change.
 */
export const peopleConsumer = defineConsumer<EventsDb>({
  name: 'people',
  handlers: {
    [MessageType.UserRegistered]: (trx, { data }) => peopleRepository(trx).upsertProfile(data, new Date(data.registeredAt)),
    [MessageType.UserUpdated]: (trx, { data }) => peopleRepository(trx).upsertProfile(data, new Date(data.updatedAt)),
    [MessageType.UserRolesChanged]: (trx, { data }) => peopleRepository(trx).upsertRoles(data.userId, data.roles, new Date(data.changedAt)),
  },
});
