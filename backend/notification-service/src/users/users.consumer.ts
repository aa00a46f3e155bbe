import { defineConsumer } from '@secureevent/shared';
import { MessageType } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { usersRepository } from './users.repository.js';

/**
 * Keeps the address book email needs: the user-service owns accounts, so this service learns each
 * user's address and name from `user.registered.v1` and `user.updated.v1` instead of asking on
 * every send.
 */
export const usersConsumer = defineConsumer<NotificationsDb>({
  name: 'users',
  handlers: {
    [MessageType.UserRegistered]: (trx, { data }) =>
      usersRepository(trx).upsert({ userId: data.userId, email: data.email, displayName: data.displayName }, new Date(data.registeredAt)),
    [MessageType.UserUpdated]: (trx, { data }) =>
      usersRepository(trx).upsert({ userId: data.userId, email: data.email, displayName: data.displayName }, new Date(data.updatedAt)),
  },
});
