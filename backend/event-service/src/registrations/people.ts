import type { Kysely } from 'kysely';
import { mayOrganize } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { peopleRepository } from './people.repository.js';

/**
 * What other features may ask of the registrations feature's copy of people (kept from the
 * user-service's messages by `people.consumer.ts`). They go through these functions, never
 * through `people.repository.ts`.
 */

/**
 * Whether `userId` is someone the event-service has heard of who holds the organizer or admin
 * role, so may be made a co-organizer. Unknown people and people whose roles have not arrived yet
 * are not.
 */
export async function mayBeCoOrganizer(db: Kysely<EventsDb>, userId: string): Promise<boolean> {
  const roles = await peopleRepository(db).rolesOf(userId);
  return roles !== undefined && mayOrganize(roles);
}
