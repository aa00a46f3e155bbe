import type { Migration } from 'kysely';
import { messaging } from './0000-messaging.js';
import { notifications } from './0001-notifications.js';
import { realtime } from './0010-realtime.js';
import { mailAndReminders } from './0020-mail-and-reminders.js';
import { millisecondSortKeys } from './0030-millisecond-sort-keys.js';
import { realtimeEventVersions } from './0031-realtime-event-versions.js';

/**
 * The notification-service's migrations, one file each, applied in key order at start. The keys are the names
 * already recorded in existing databases: never rename one. A migration never imports application code.
 */
export const migrations: Record<string, Migration> = {
  '0000_messaging': messaging,
  '0001_notifications': notifications,
  '0010_realtime': realtime,
  '0020_mail_and_reminders': mailAndReminders,
  '0030_millisecond_sort_keys': millisecondSortKeys,
  '0031_realtime_event_versions': realtimeEventVersions,
};
