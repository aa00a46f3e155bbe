import type { Kysely } from 'kysely';
import { NOTIFICATION_PREFERENCE_KINDS, type NotificationChannel, type NotificationPreferences } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { DEFAULT_PREFERENCES, mergePreferences } from './notification-preferences.js';

/** SQL for notification preferences; returns plain objects. */
export function preferencesRepository(db: Kysely<NotificationsDb>) {
  return {
    async forUser(userId: string): Promise<NotificationPreferences> {
      const rows = await db.selectFrom('preferences').select(['kind', 'channel']).where('user_id', '=', userId).execute();
      return mergePreferences(rows);
    },
    async channelFor(userId: string, kind: string): Promise<NotificationChannel | undefined> {
      const row = await db
        .selectFrom('preferences')
        .select('channel')
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return row?.channel;
    },
    /** Stores only what differs from the defaults, so a later change of a default reaches everyone who never chose. */
    async replace(trx: Kysely<NotificationsDb>, userId: string, prefs: NotificationPreferences): Promise<void> {
      await trx.deleteFrom('preferences').where('user_id', '=', userId).execute();
      const rows = NOTIFICATION_PREFERENCE_KINDS.filter((k) => prefs[k] !== DEFAULT_PREFERENCES[k]).map((kind) => ({
        user_id: userId,
        kind,
        channel: prefs[kind],
      }));
      if (rows.length > 0) await trx.insertInto('preferences').values(rows).execute();
    },
  };
}
