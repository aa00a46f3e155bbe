import type { Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import { enqueueEmail } from '../email/enqueue-email.js';
import type { EmailEvent } from '../email/email-payload.js';
import { recordNotification } from '../inbox/record-notification.js';
import { knownEventEnd } from '../reminders/event-times.js';
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
  /** The ticket's short code (canonical), shown in the email as the door reads it. */
  ticketCode?: string | undefined;
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
    notificationId = await recordNotification(trx, { ...note, sourceKey });
  }
  if (email) {
    const event = note.event && !note.event.endsAt ? await withKnownEnd(trx, note.event) : note.event;
    await enqueueEmail(trx, {
      userId: note.userId,
      kind: note.kind,
      sourceKey,
      payload: { title: note.title, body: note.body, link: note.link, event, invite: note.invite, ticketCode: note.ticketCode },
    });
  }
  return notificationId;
}

/** Registration messages carry no end time; the event projection may know it (for the invite). */
async function withKnownEnd(trx: Kysely<NotificationsDb>, event: EmailEvent): Promise<EmailEvent> {
  const endsAt = await knownEventEnd(trx, event.id);
  return endsAt ? { ...event, endsAt } : event;
}
