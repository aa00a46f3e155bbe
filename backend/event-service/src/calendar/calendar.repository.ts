import type { Kysely, Selectable } from 'kysely';
import type { EventsDb } from '../db/schema.js';

type EventRow = Selectable<EventsDb['events']>;

/** The event columns a calendar entry and a visibility check need. */
export type CalendarEventRow = Pick<
  EventRow,
  | 'id'
  | 'title'
  | 'description'
  | 'starts_at'
  | 'ends_at'
  | 'time_zone'
  | 'venue'
  | 'online_url'
  | 'status'
  | 'visibility'
  | 'organizer_ids'
  | 'updated_at'
  | 'cancelled_at'
>;

/** An event with one of the user's registrations for it. */
export type FeedCandidateRow = CalendarEventRow & {
  registration_status: EventsDb['registrations']['status'];
  registration_cancelled_at: Date | null;
};

const eventColumns = [
  'e.id',
  'e.title',
  'e.description',
  'e.starts_at',
  'e.ends_at',
  'e.time_zone',
  'e.venue',
  'e.online_url',
  'e.status',
  'e.visibility',
  'e.organizer_ids',
  'e.updated_at',
  'e.cancelled_at',
] as const;

/** SQL for calendar feeds and the events they show; returns plain objects. */
export function calendarRepository(db: Kysely<EventsDb>) {
  return {
    async findEvent(id: string): Promise<CalendarEventRow | undefined> {
      return db.selectFrom('events as e').select(eventColumns).where('e.id', '=', id).executeTakeFirst();
    },

    /**
     * The user's registrations that might belong in their feed (live ones, and cancelled ones of
     * cancelled events), newest events first. Which of them do is decided by `belongsInFeed`.
     */
    async feedCandidates(userId: string, limit: number): Promise<FeedCandidateRow[]> {
      return db
        .selectFrom('registrations as r')
        .innerJoin('events as e', 'e.id', 'r.event_id')
        .select(eventColumns)
        .select(['r.status as registration_status', 'r.cancelled_at as registration_cancelled_at'])
        .where('r.user_id', '=', userId)
        .where((eb) => eb.or([eb('r.status', '<>', 'cancelled'), eb('e.status', '=', 'cancelled')]))
        .orderBy('e.starts_at', 'desc')
        .orderBy('e.id')
        .limit(limit)
        .execute();
    },

    /** Creates the user's feed, or replaces its token (the old URL stops working at once). */
    async saveFeed(userId: string, tokenHash: string): Promise<void> {
      await db
        .insertInto('calendar_feeds')
        .values({ user_id: userId, token_hash: tokenHash })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: tokenHash, created_at: new Date() }))
        .execute();
    },

    async deleteFeed(userId: string): Promise<void> {
      await db.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
    },

    async findFeedOwner(tokenHash: string): Promise<string | undefined> {
      const row = await db.selectFrom('calendar_feeds').select('user_id').where('token_hash', '=', tokenHash).executeTakeFirst();
      return row?.user_id;
    },
  };
}
