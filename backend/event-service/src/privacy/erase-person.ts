import type { Transaction } from 'kysely';
import type { UserErasedV1 } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { privacyRepository } from './privacy.repository.js';

/** Erases what the event-service holds about a person who asked to be forgotten, inside the consumer's transaction. */
export async function erasePerson(trx: Transaction<EventsDb>, message: UserErasedV1): Promise<void> {
  await privacyRepository(trx).erase(message.userId, new Date(message.erasedAt));
}
