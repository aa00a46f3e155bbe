import type { OrganizerSearchQuery, OrganizerSearchResult } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { UsersDb } from '../db/schema.js';
import { directoryRepository } from './directory.repository.js';

/**
 * People who may organize, for an organizer picking co-organizers: by the start of a name or an
 * email, or by id (an event's co-organizers by name). Only ids and display names leave: an
 * organizer learns who may co-organize, never an address, a role or an attendee's existence.
 */
export async function searchOrganizers(db: Kysely<UsersDb>, query: OrganizerSearchQuery): Promise<OrganizerSearchResult> {
  const directory = directoryRepository(db);
  const items = query.ids ? await directory.byIds(query.ids) : await directory.search(query.q!, query.limit);
  return { items };
}
