import type { Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import { usersRepository, type Recipient } from './users.repository.js';

export type { Recipient };

/**
 * The address book's use for other features: who a user is to write to. Email sending asks here
 * rather than reading the users projection itself.
 */
export function recipients(db: Kysely<NotificationsDb>) {
  const repo = usersRepository(db);
  return {
    /** The user's address and name, or undefined while `user.registered.v1` has not arrived yet. */
    find: (userId: string): Promise<Recipient | undefined> => repo.find(userId),
  };
}
