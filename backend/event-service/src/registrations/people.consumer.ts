import { sql, type Kysely } from 'kysely';
import { defineConsumer, onMessage } from '@secureevent/shared';
import { MessageType, userRegisteredV1, userUpdatedV1 } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

/** Keeps the newest profile: `at` is when the user-service changed it; a late redelivery changes nothing. */
async function upsertPerson(trx: Kysely<EventsDb>, data: { userId: string; displayName: string; email: string }, at: Date) {
  await trx
    .insertInto('people')
    .values({ user_id: data.userId, display_name: data.displayName, email: data.email, updated_at: at })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ display_name: data.displayName, email: data.email, updated_at: at })
        .where(sql<boolean>`${sql.ref('people.updated_at')} < ${at}`),
    )
    .execute();
}

/** Keeps the event-service's own copy of names and emails for attendee lists and exports. */
export const peopleConsumer = defineConsumer<EventsDb>({
  name: 'people',
  handlers: {
    [MessageType.UserRegistered]: onMessage(userRegisteredV1, (trx, { data }) => upsertPerson(trx, data, new Date(data.registeredAt))),
    [MessageType.UserUpdated]: onMessage(userUpdatedV1, (trx, { data }) => upsertPerson(trx, data, new Date(data.updatedAt))),
  },
});
