import { sql } from 'kysely';
import { defineConsumer, onMessage } from '@secureevent/shared';
import { MessageType, userRegisteredV1 } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

/** Keeps the event-service's own copy of names and emails for attendee lists and exports. */
export const peopleConsumer = defineConsumer<EventsDb>({
  name: 'people',
  handlers: {
    [MessageType.UserRegistered]: onMessage(userRegisteredV1, async (trx, { data }) => {
      await trx
        .insertInto('people')
        .values({ user_id: data.userId, display_name: data.displayName, email: data.email })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ display_name: data.displayName, email: data.email, updated_at: sql`now()` }))
        .execute();
    }),
  },
});
