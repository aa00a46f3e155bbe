import { sql, type Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import type { RealtimeTables } from '../db/schema.js';
import type { WatchedEvent } from './event-access.js';

type Visibility = RealtimeTables['realtime_events']['visibility'];

/** SQL for the event projection behind room access; returns plain objects. */
export function eventAccessRepository(db: Kysely<NotificationsDb>) {
  return {
    /**
     * Applies an `event.published.v1`, `event.updated.v1` or `event.cancelled.v1` that the
     * event-service made at `version`: first sight inserts the event; a known event changes only
     * when the message is newer than the row (a tie goes to a cancellation), so a message delivered
     * late never undoes a later one — a stale publish cannot reopen a cancelled event. Fields left
     * undefined keep their value. Resolves whether the message was applied.
     */
    async apply(
      eventId: string,
      version: Date,
      change: { visibility: Visibility; status?: 'published' | 'cancelled'; organizerIds?: readonly string[] | undefined },
    ): Promise<boolean> {
      const organizers = change.organizerIds ? { organizer_ids: sql<string[]>`${[...change.organizerIds]}::text[]` } : {};
      const status = change.status ? { status: change.status } : {};
      const rows = await db
        .insertInto('realtime_events')
        .values({ event_id: eventId, visibility: change.visibility, status: change.status ?? 'published', version, ...organizers })
        .onConflict((oc) =>
          oc
            .column('event_id')
            .doUpdateSet({ visibility: change.visibility, version, ...status, ...organizers })
            .where((eb) =>
              eb.or([
                eb('realtime_events.version', 'is', null),
                eb('realtime_events.version', '<', version),
                eb.and([
                  eb('realtime_events.version', '=', version),
                  change.status === 'cancelled' ? eb.lit(true) : eb('realtime_events.status', '<>', 'cancelled'),
                ]),
              ]),
            ),
        )
        .returning('event_id')
        .execute();
      return rows.length > 0;
    },
    /** Only inserts, without a version (any versioned message may then correct it): the hot path (one per registration) writes nothing for a known event. */
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
