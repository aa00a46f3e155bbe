import { sql, type Kysely } from 'kysely';
import { defineConsumer, onMessage } from '@secureevent/shared';
import { MessageType, userRegisteredV1, userUpdatedV1 } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

async function upsertPerson(trx: Kysely<EventsDb>, data: { userId: string; displayName: string; email: string }) {
  await trx
    .insertInto('people')
    .values({ user_id: data.userId, display_name: data.displayName, email: data.email })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ display_name: data.displayName, email: data.email, updated_at: sql`now()` }))
    .execute();
}

/** Keeps the event-service's own copy of names and emails for attendee lists and exports. */
export const peopleConsumer = defineConsumer<EventsDb>({
  name: 'people',
  handlers: {
    [MessageType.UserRegistered]: onMessage(userRegisteredV1, (trx, { data }) => upsertPerson(trx, data)),
    [MessageType.UserUpdated]: onMessage(userUpdatedV1, (trx, { data }) => upsertPerson(trx, data)),
  },
});
