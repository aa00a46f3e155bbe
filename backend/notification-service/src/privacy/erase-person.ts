import type { Transaction } from 'kysely';
import type { UserErasedV1 } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { privacyRepository } from './privacy.repository.js';

/** Erases what the notification-service holds about a person who asked to be forgotten, inside the consumer's transaction. */
export async function erasePerson(trx: Transaction<NotificationsDb>, message: UserErasedV1): Promise<void> {
  await privacyRepository(trx).erase(message.userId, new Date(message.erasedAt));
}
