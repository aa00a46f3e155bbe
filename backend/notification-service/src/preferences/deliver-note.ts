import type { Kysely } from 'kysely';
import { newId } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import type { EmailEvent } from '../email/email-payload.js';
import { emailDeliveriesRepository } from '../email/email-deliveries.repository.js';
import { notificationsRepository } from '../inbox/notifications.repository.js';
import { remindersRepository } from '../reminders/reminders.repository.js';
import { channelsOf } from './notification-preferences.js';
import { preferencesRepository } from './preferences.repository.js';

/** A notification for one user, before it is routed to the inbox and/or email. */
export interface Note {
  userId: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  /** The event it is about, for the email's date line and calendar attachment. */
  event?: EmailEvent | undefined;
  /** Attach the event as an `.ics` invite to the email. */
  invite?: boolean | undefined;
}

/**
 * Routes one note by the user's preferences: an inbox row and/or a queued email, both inside the
 * caller's transaction (the one that records the message in the inbox table), so neither is lost
 * and a redelivery adds neither twice. Returns the new notification's id when one was written
 * to the inbox, for push after commit.
 */
export async function deliverNote(trx: Kysely<NotificationsDb>, sourceKey: string, note: Note): Promise<string | null> {
  const chosen = await preferencesRepository(trx).channelFor(note.userId, note.kind);
  const { inApp, email } = channelsOf(note.kind, chosen);
  let notificationId: string | null = null;
  if (inApp) {
    notificationId = newId('ntf');
    await notificationsRepository(trx).insert({
      id: notificationId,
      user_id: note.userId,
      kind: note.kind,
      title: note.title,
      body: note.body,
      link: note.link,
      source_message_id: sourceKey,
    });
  }
  if (email) {
    const event = note.event && !note.event.endsAt ? await withKnownEnd(trx, note.event) : note.event;
    await emailDeliveriesRepository(trx).enqueue({
      id: newId('eml'),
      userId: note.userId,
      kind: note.kind,
      sourceKey,
      payload: { title: note.title, body: note.body, link: note.link, event, invite: note.invite },
    });
  }
  return notificationId;
}

/** Registration messages carry no end time; the event projection may know it (for the invite). */
async function withKnownEnd(trx: Kysely<NotificationsDb>, event: EmailEvent): Promise<EmailEvent> {
  const known = await remindersRepository(trx).findEvent(event.id);
  return known?.ends_at ? { ...event, endsAt: new Date(known.ends_at).toISOString() } : event;
}
