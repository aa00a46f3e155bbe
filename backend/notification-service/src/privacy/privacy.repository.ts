import { sql, type Kysely } from 'kysely';
import { PRIVACY_EXPORT_MAX_ITEMS, type PrivacyCollection } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';

/** The name the address book keeps for an erased person; the empty address is never written to (see `usersRepository.find`). */
export const ERASED_NAME = 'Erased user';

function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

function collection(rows: Record<string, unknown>[]): PrivacyCollection {
  return { items: rows.slice(0, PRIVACY_EXPORT_MAX_ITEMS).map(plain), truncated: rows.length > PRIVACY_EXPORT_MAX_ITEMS };
}

/** SQL for the notification-service's part of a personal-data export and for erasing a person; returns plain objects. */
export function privacyRepository(db: Kysely<NotificationsDb>) {
  const limit = PRIVACY_EXPORT_MAX_ITEMS + 1;
  return {
    /** The person's inbox, preferences, address-book entry, email sent or queued for them, and reminders. */
    async exportOf(userId: string): Promise<Record<string, PrivacyCollection>> {
      const notifications = await db
        .selectFrom('notifications')
        .select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      const preferences = await db
        .selectFrom('preferences')
        .select(['kind', 'channel', 'updated_at'])
        .where('user_id', '=', userId)
        .execute();
      const addressBook = await db
        .selectFrom('users')
        .select(['email', 'display_name', 'updated_at'])
        .where('user_id', '=', userId)
        .execute();
      const emails = await db
        .selectFrom('email_deliveries')
        .select(['id', 'kind', 'payload', 'status', 'attempts', 'created_at', 'sent_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      const reminders = await db
        .selectFrom('reminders')
        .select(['registration_id', 'event_id', 'offset_minutes', 'due_at', 'status', 'sent_at'])
        .where('user_id', '=', userId)
        .orderBy('due_at', 'desc')
        .limit(limit)
        .execute();
      return {
        notifications: collection(notifications),
        preferences: collection(preferences),
        addressBook: collection(addressBook),
        emails: collection(emails),
        reminders: collection(reminders),
      };
    },

    /**
     * Erases the person: inbox, preferences, email rows, reminders and real-time access go; the
     * address-book row keeps only the id, an empty address and "Erased user", dated `at`, so a late
     * copy of an older profile message (newest wins) cannot bring the address back.
     */
    async erase(userId: string, at: Date): Promise<void> {
      await db.deleteFrom('notifications').where('user_id', '=', userId).execute();
      await db.deleteFrom('preferences').where('user_id', '=', userId).execute();
      await db.deleteFrom('email_deliveries').where('user_id', '=', userId).execute();
      await db.deleteFrom('reminders').where('user_id', '=', userId).execute();
      await db.deleteFrom('realtime_registrations').where('user_id', '=', userId).execute();
      await db
        .insertInto('users')
        .values({ user_id: userId, email: '', display_name: ERASED_NAME, updated_at: at })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({ email: '', display_name: ERASED_NAME, updated_at: sql<Date>`greatest(users.updated_at, ${at})` }),
        )
        .execute();
    },
  };
}
