import { defineConsumer } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { erasePerson } from './erase-person.js';

/** `user.erased.v1`: the person's inbox, preferences and mail here are erased (the inbox makes a redelivery a no-op; the erasure is idempotent anyway). */
export const privacyConsumer = defineConsumer<NotificationsDb>({
  name: 'privacy',
  handlers: {
    [MessageType.UserErased]: (trx, { data }) => erasePerson(trx, data),
  },
});
