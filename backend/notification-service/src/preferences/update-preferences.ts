import type { Kysely } from 'kysely';
import type { NotificationPreferences, UpdateNotificationPreferences } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { DEFAULT_PREFERENCES } from './notification-preferences.js';
import { preferencesRepository } from './preferences.repository.js';

/** Replaces the caller's preferences (PUT semantics: a kind left out returns to its default); returns the result. */
export async function updatePreferences(
  db: Kysely<NotificationsDb>,
  userId: string,
  update: UpdateNotificationPreferences,
): Promise<NotificationPreferences> {
  const prefs: NotificationPreferences = { ...DEFAULT_PREFERENCES, ...update };
  await db.transaction().execute((trx) => preferencesRepository(trx).replace(trx, userId, prefs));
  return prefs;
}

/** The user's channel per notification kind, defaults filled in. */
export function preferencesOf(db: Kysely<NotificationsDb>, userId: string): Promise<NotificationPreferences> {
  return preferencesRepository(db).forUser(userId);
}
