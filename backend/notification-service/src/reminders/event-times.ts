import type { Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import { remindersRepository } from './reminders.repository.js';

/** When an event ends, as the reminders' event projection knows it (undefined when it does not). */
export async function knownEventEnd(trx: Kysely<NotificationsDb>, eventId: string): Promise<string | undefined> {
  const known = await remindersRepository(trx).findEvent(eventId);
  return known?.ends_at ? new Date(known.ends_at).toISOString() : undefined;
}
