import { defineConsumer } from '@secureevent/shared';
import { formatTicketCode, MessageType, type RegistrationChangedV1 } from '@secureevent/contracts';
import type { Transaction } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';
import { deliverNote, type Note } from '../preferences/deliver-note.js';

/** Each note goes to the inbox and/or email by the user's preferences, in the message's transaction. */
async function notify(trx: Transaction<NotificationsDb>, messageId: string, notes: Note[]) {
  for (const n of notes) await deliverNote(trx, messageId, n);
}

/** The event of a registration message, for the email's date line and `.ics` invite. */
const eventOf = (data: RegistrationChangedV1) => ({ id: data.eventId, title: data.eventTitle, startsAt: data.startsAt, endsAt: null });

/** The in-app notice's line about the ticket: its short code as the ticket page shows it, when the message carries it. */
const ticketLine = (data: RegistrationChangedV1) =>
  data.ticketCode
    ? ` Your ticket code is ${formatTicketCode(data.ticketCode)}; the QR code is in My tickets.`
    : ' Your ticket is in My tickets.';

/**
 * Turns what happens to people's registrations, events and roles into in-app notifications.
 * One queue for all of them; the inbox table makes each message notify once.
 */
export const notifyConsumer = defineConsumer<NotificationsDb>({
  name: 'notify',
  handlers: {
    [MessageType.RegistrationConfirmed]: (trx, { envelope, data }) =>
      notify(trx, envelope.id, [
        {
          userId: data.userId,
          kind: 'registration_confirmed',
          title: `You're in: “${data.eventTitle}”`,
          body: `Your seat is confirmed.${ticketLine(data)}`,
          link: '/tickets',
          event: eventOf(data),
          invite: true,
          ticketCode: data.ticketCode,
        },
      ]),
    [MessageType.RegistrationWaitlisted]: (trx, { envelope, data }) =>
      notify(trx, envelope.id, [
        {
          userId: data.userId,
          kind: 'registration_waitlisted',
          title: `On the waitlist for “${data.eventTitle}”`,
          body: data.waitlistPosition
            ? `You are number ${data.waitlistPosition} in line. We'll tell you the moment a seat frees up.`
            : "We'll tell you the moment a seat frees up.",
          link: `/events/${data.eventId}`,
        },
      ]),
    [MessageType.RegistrationPromoted]: (trx, { envelope, data }) =>
      notify(trx, envelope.id, [
        {
          userId: data.userId,
          kind: 'registration_promoted',
          title: `A seat opened up: “${data.eventTitle}”`,
          body: `You moved off the waitlist and your seat is confirmed.${ticketLine(data)}`,
          link: '/tickets',
          event: eventOf(data),
          invite: true,
          ticketCode: data.ticketCode,
        },
      ]),
    [MessageType.RegistrationCancelled]: (trx, { envelope, data }) =>
      notify(trx, envelope.id, [
        {
          userId: data.userId,
          kind: 'registration_cancelled',
          title: `Registration cancelled: “${data.eventTitle}”`,
          body: 'Your registration was cancelled.',
          link: `/events/${data.eventId}`,
        },
      ]),
    [MessageType.RegistrationPending]: (trx, { envelope, data }) =>
      notify(
        trx,
        envelope.id,
        data.organizerIds.map((userId) => ({
          userId,
          kind: 'registration_pending',
          title: `Waiting for your approval: “${data.eventTitle}”`,
          body: 'Someone asked to attend. Approve or reject them in the event’s organizer panel.',
          link: `/events/${data.eventId}`,
        })),
      ),
    [MessageType.RegistrationRejected]: (trx, { envelope, data }) =>
      notify(trx, envelope.id, [
        {
          userId: data.userId,
          kind: 'registration_rejected',
          title: `Not approved: “${data.eventTitle}”`,
          body: data.reason
            ? `The organizer did not approve your registration. Their reason: ${data.reason}`
            : 'The organizer did not approve your registration.',
          link: `/events/${data.eventId}`,
        },
      ]),
    [MessageType.EventUpdated]: (trx, { envelope, data }) =>
      notify(
        trx,
        envelope.id,
        data.registeredUserIds.map((userId) => ({
          userId,
          kind: 'event_updated',
          title: `“${data.title}” was updated`,
          body: `Changed: ${data.changed.join(', ')}.`,
          link: `/events/${data.eventId}`,
        })),
      ),
    [MessageType.EventCancelled]: (trx, { envelope, data }) =>
      notify(
        trx,
        envelope.id,
        data.registeredUserIds.map((userId) => ({
          userId,
          kind: 'event_cancelled',
          title: `“${data.title}” is cancelled`,
          body: 'The organizer cancelled this event. Your registration has been released.',
          link: `/events/${data.eventId}`,
        })),
      ),
    [MessageType.UserRolesChanged]: (trx, { envelope, data }) =>
      notify(trx, envelope.id, [
        {
          userId: data.userId,
          kind: 'roles_changed',
          title: 'Your roles changed',
          body: `You now have: ${data.roles.join(', ')}.`,
          link: null,
        },
      ]),
  },
});
