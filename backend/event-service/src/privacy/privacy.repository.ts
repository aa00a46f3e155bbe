import { sql, type Kysely } from 'kysely';
import { PRIVACY_EXPORT_MAX_ITEMS, type PrivacyCollection } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

/** What attendee lists show for a person who was erased (the user-service's name for the account too). */
export const ERASED_NAME = 'Erased user';

/** Dates as ISO strings, everything else as it is: the export is JSON. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

function collection(rows: Record<string, unknown>[]): PrivacyCollection {
  return { items: rows.slice(0, PRIVACY_EXPORT_MAX_ITEMS).map(plain), truncated: rows.length > PRIVACY_EXPORT_MAX_ITEMS };
}

/** SQL for the event-service's part of a personal-data export and for erasing a person; returns plain objects. */
export function privacyRepository(db: Kysely<EventsDb>) {
  return {
    /** The person's registrations (answers, status, ticket, check-in), the profile copy, their calendar feed and the events they organise. */
    async exportOf(userId: string): Promise<Record<string, PrivacyCollection>> {
      const registrations = await db
        .selectFrom('registrations as r')
        .innerJoin('events as e', 'e.id', 'r.event_id')
        .selectAll('r')
        .select(['e.title as event_title', 'e.starts_at as event_starts_at'])
        .where('r.user_id', '=', userId)
        .orderBy('r.created_at', 'desc')
        .limit(PRIVACY_EXPORT_MAX_ITEMS + 1)
        .execute();
      const profile = await db
        .selectFrom('people')
        .select(['user_id', 'display_name', 'email', 'roles', 'updated_at'])
        .where('user_id', '=', userId)
        .execute();
      const feeds = await db.selectFrom('calendar_feeds').select(['created_at']).where('user_id', '=', userId).execute();
      const organised = await db
        .selectFrom('events')
        .select(['id', 'title', 'status', 'starts_at', 'created_by'])
        .where((eb) => eb.or([eb('created_by', '=', userId), eb(sql<boolean>`${userId} = any(organizer_ids)`, '=', true)]))
        .orderBy('created_at', 'desc')
        .limit(PRIVACY_EXPORT_MAX_ITEMS + 1)
        .execute();
      return {
        registrations: collection(registrations),
        checkins: collection(
          registrations
            .filter((r) => r.checked_in_at !== null)
            .map((r) => ({ registrationId: r.id, eventId: r.event_id, checkedInAt: r.checked_in_at, checkedInBy: r.checked_in_by })),
        ),
        profile: collection(profile),
        calendarFeed: collection(feeds.map((f) => ({ issuedAt: f.created_at }))),
        organisedEvents: collection(organised),
      };
    },

    /**
     * Erases the person: the profile copy becomes "Erased user" with no email (newest-wins at
     * `at`, so a late copy of an older profile message cannot bring the name back); registrations
     * stay, so seats stay counted, but lose their answers; the calendar feed and remembered request
     * bodies go.
     */
    async erase(userId: string, at: Date): Promise<void> {
      await db
        .insertInto('people')
        .values({ user_id: userId, display_name: ERASED_NAME, email: null, updated_at: at, roles: [], roles_at: at })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({
            display_name: ERASED_NAME,
            email: null,
            roles: [],
            updated_at: sql<Date>`greatest(people.updated_at, ${at})`,
            roles_at: sql<Date>`greatest(coalesce(people.roles_at, ${at}), ${at})`,
          }),
        )
        .execute();
      await db.updateTable('registrations').set({ answers: {} }).where('user_id', '=', userId).execute();
      await db.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
      await db.deleteFrom('idempotency_keys').where('user_id', '=', userId).execute();
    },
  };
}
