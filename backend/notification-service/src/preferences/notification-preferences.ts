import {
  NOTIFICATION_PREFERENCE_KINDS,
  type NotificationChannel,
  type NotificationPreferenceKind,
  type NotificationPreferences,
} from '@secureevent/contracts';

/**
 * What a user gets before choosing. Things that change someone's plans (a seat, a change, a
 * cancellation, a reminder) and a change of their own roles (a security notice) also go by email;
 * joining a waitlist is only worth a line in the inbox.
 */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  registration_confirmed: 'both',
  registration_waitlisted: 'in_app',
  registration_promoted: 'both',
  registration_rejected: 'both',
  event_updated: 'both',
  event_cancelled: 'both',
  event_reminder: 'both',
  roles_changed: 'both',
};

/** True for the kinds a user can route; other kinds (e.g. organizer notices) stay in-app only. */
export function isPreferenceKind(kind: string): kind is NotificationPreferenceKind {
  return (NOTIFICATION_PREFERENCE_KINDS as readonly string[]).includes(kind);
}

/** Stored choices over the defaults. */
export function mergePreferences(stored: { kind: string; channel: NotificationChannel }[]): NotificationPreferences {
  const prefs = { ...DEFAULT_PREFERENCES };
  for (const row of stored) if (isPreferenceKind(row.kind)) prefs[row.kind] = row.channel;
  return prefs;
}

/** The channels one notification goes to. */
export function channelsOf(kind: string, chosen: NotificationChannel | undefined): { inApp: boolean; email: boolean } {
  if (!isPreferenceKind(kind)) return { inApp: true, email: false };
  const channel = chosen ?? DEFAULT_PREFERENCES[kind];
  return { inApp: channel !== 'email', email: channel !== 'in_app' };
}
