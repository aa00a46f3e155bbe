import { sql, type Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import type { RealtimeTables } from './realtime.schema.js';
import type { WatchedEvent } from './event-access.js';

type Visibility = RealtimeTables['realtime_events']['visibility'];

/** SQL for the event projection behind room access; returns plain objects. */
export function eventAccessRepository(db: Kysely<NotificationsDb>) {
  return {
    async published(eventId: string, visibility: Visibility, organizerIds: string[]): Promise<void> {
      await db
        .insertInto('realtime_events')
        .values({ event_id: eventId, visibility, organizer_ids: sql<string[]>`${organizerIds}::text[]`, status: 'published' })
        .onConflict((oc) =>
          oc.column('event_id').doUpdateSet({ visibility, organizer_ids: sql<string[]>`${organizerIds}::text[]`, status: 'published' }),
        )
        .execute();
    },
    /**
     * A later message about the event: keeps the visibility (and, when the message carries them,
     * the organizers) current; first sight inserts it.
     */
    async seen(eventId: string, visibility: Visibility, status?: 'cancelled', organizerIds?: string[]): Promise<void> {
      const organizers = organizerIds ? { organizer_ids: sql<string[]>`${organizerIds}::text[]` } : {};
      await db
        .insertInto('realtime_events')
        .values({ event_id: eventId, visibility, status: status ?? 'published', ...organizers })
        .onConflict((oc) => oc.column('event_id').doUpdateSet({ visibility, ...(status ? { status } : {}), ...organizers }))
        .execute();
    },
    /** Like `seen`, but only inserts: the hot path (one per registration) writes nothing for a known event. */
    async ensure(eventId: string, visibility: Visibility): Promise<void> {
      await db
        .insertInto('realtime_events')
        .values({ event_id: eventId, visibility, status: 'published' })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
    },
    async registered(eventId: string, userIds: string[]): Promise<void> {
      if (userIds.length === 0) return;
      await db
        .insertInto('realtime_registrations')
        .values(userIds.map((userId) => ({ event_id: eventId, user_id: userId })))
        .onConflict((oc) => oc.columns(['event_id', 'user_id']).doNothing())
        .execute();
    },
    async unregistered(eventId: string, userId: string): Promise<void> {
      await db.deleteFrom('realtime_registrations').where('event_id', '=', eventId).where('user_id', '=', userId).execute();
    },
    /** The event and whether `userId` is registered for it; undefined when the event is unknown. */
    async find(eventId: string, userId: string | undefined): Promise<WatchedEvent | undefined> {
      const row = await db
        .selectFrom('realtime_events as e')
        .select(['e.event_id', 'e.visibility', 'e.organizer_ids', 'e.status'])
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('realtime_registrations as r')
                .select('r.user_id')
                .whereRef('r.event_id', '=', 'e.event_id')
                .where('r.user_id', '=', userId ?? ''),
            )
            .as('registered'),
        )
        .where('e.event_id', '=', eventId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        eventId: row.event_id,
        visibility: row.visibility,
        organizerIds: row.organizer_ids,
        status: row.status,
        registered: Boolean(row.registered),
      };
    },
  };
}
