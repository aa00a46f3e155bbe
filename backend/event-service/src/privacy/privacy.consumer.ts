import { defineConsumer } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { erasePerson } from './erase-person.js';

/** `user.erased.v1`: the person's data here is erased or anonymised (the inbox makes a redelivery a no-op, and the erasure is idempotent anyway). */
export const privacyConsumer = defineConsumer<EventsDb>({
  name: 'privacy',
  handlers: {
    [MessageType.UserErased]: (trx, { data }) => erasePerson(trx, data),
  },
});
