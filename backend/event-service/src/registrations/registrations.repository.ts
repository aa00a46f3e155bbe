import { sql, type Kysely, type Selectable } from 'kysely';
import { newId, type Outbox, type OutgoingMessage } from '@secureevent/shared';
import {
  MessageType,
  type EventAvailabilityChangedV1,
  type EventDto,
  type RegistrationChangedV1,
  type RegistrationDto,
} from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

export type RegistrationRow = Selectable<EventsDb['registrations']>;

/** The `event.availability_changed.v1` message for an event's current counts. */
export function availabilityMessage(event: EventDto): OutgoingMessage<EventAvailabilityChangedV1> {
  return {
    type: MessageType.EventAvailabilityChanged,
    subject: event.id,
    data: { eventId: event.id, visibility: event.visibility, ...event.availability, at: new Date().toISOString() },
  };
}

/** A registration status message (`registration.<status>.v1`, or `registration.promoted.v1`). */
export function registrationMessage(
  type: (typeof MessageType)['RegistrationConfirmed' | 'RegistrationWaitlisted' | 'RegistrationPromoted' | 'RegistrationCancelled'],
  row: RegistrationRow,
  event: Pick<EventDto, 'title' | 'startsAt'>,
  waitlistPosition?: number,
): OutgoingMessage<RegistrationChangedV1> {
  return {
    type,
    subject: row.id,
    data: {
      registrationId: row.id,
      eventId: row.event_id,
      userId: row.user_id,
      eventTitle: event.title,
      startsAt: event.startsAt,
      status: row.status,
      ...(waitlistPosition !== undefined ? { waitlistPosition } : {}),
      at: new Date().toISOString(),
    },
  };
}

/** The API shape; the ticket token is attached only for confirmed registrations and only by the caller. */
export function toRegistrationDto(row: RegistrationRow, extra: { waitlistPosition?: number; ticketToken?: string } = {}): RegistrationDto {
  return {
    id: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    status: row.status,
    ...(extra.waitlistPosition !== undefined ? { waitlistPosition: extra.waitlistPosition } : {}),
    ...(extra.ticketToken !== undefined ? { ticketToken: extra.ticketToken } : {}),
    answers: row.answers,
    createdAt: new Date(row.created_at).toISOString(),
    checkedInAt: row.checked_in_at ? new Date(row.checked_in_at).toISOString() : null,
  };
}

/** The caller's registrations with the event fields their ticket list shows, soonest event first. */
export async function findMyRegistrations(db: Kysely<EventsDb>, userId: string, opts: { eventId?: string } = {}) {
  let q = db
    .selectFrom('registrations as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .selectAll('r')
    .select(['e.title', 'e.starts_at', 'e.ends_at', 'e.time_zone'])
    .where('r.user_id', '=', userId);
  if (opts.eventId) q = q.where('r.event_id', '=', opts.eventId);
  return q.orderBy('e.starts_at').orderBy('r.created_at', 'desc').limit(500).execute();
}

/** 1-based place in the waitlist (the count of people still waiting ahead, plus one). */
export async function waitlistPosition(db: Kysely<EventsDb>, row: RegistrationRow): Promise<number | undefined> {
  if (row.status !== 'waitlisted' || row.waitlist_seq === null) return undefined;
  const r = await db
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('event_id', '=', row.event_id)
    .where('status', '=', 'waitlisted')
    .where('waitlist_seq', '<=', row.waitlist_seq)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Inserts registrations of one event in one statement and returns them in the given order.
 * Waitlisted rows draw their place from the sequence row by row, in the given order.
 */
export async function insertRegistrations(
  trx: Kysely<EventsDb>,
  eventId: string,
  people: readonly { userId: string; status: 'confirmed' | 'waitlisted'; answers: Record<string, string | boolean> }[],
): Promise<RegistrationRow[]> {
  const now = new Date();
  const rows = await trx
    .insertInto('registrations')
    .values(
      people.map((r) => ({
        id: newId('reg'),
        event_id: eventId,
        user_id: r.userId,
        status: r.status,
        answers: JSON.stringify(r.answers) as unknown as Record<string, string | boolean>,
        // The sequence lives in the service's own schema (events).
        waitlist_seq: r.status === 'waitlisted' ? sql<string>`nextval('events.waitlist_seq')` : null,
        confirmed_at: r.status === 'confirmed' ? now : null,
        promoted_at: null,
        cancelled_at: null,
        checked_in_at: null,
        checked_in_by: null,
      })),
    )
    .returningAll()
    .execute();
  const byUser = new Map(rows.map((row) => [row.user_id, row]));
  return people.map((p) => byUser.get(p.userId)!);
}

/**
 * Moves up to `seats` people from the head of the waitlist to confirmed, in waitlist order, and
 * writes a `registration.promoted.v1` for each. The caller holds the event row lock, so the
 * counts and the queue cannot change underneath. Returns how many were promoted.
 */
export async function promoteFromWaitlist(trx: Kysely<EventsDb>, outbox: Outbox, event: EventDto, seats: number): Promise<number> {
  if (seats <= 0) return 0;
  const promoted = await trx
    .updateTable('registrations')
    .set({ status: 'confirmed', promoted_at: new Date(), confirmed_at: new Date(), waitlist_seq: null })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('registrations')
        .select('id')
        .where('event_id', '=', event.id)
        .where('status', '=', 'waitlisted')
        .orderBy('waitlist_seq')
        .limit(seats),
    )
    .returningAll()
    .execute();
  if (promoted.length === 0) return 0;
  await trx
    .updateTable('events')
    .set((eb) => ({
      confirmed_count: eb('confirmed_count', '+', promoted.length),
      waitlisted_count: eb('waitlisted_count', '-', promoted.length),
    }))
    .where('id', '=', event.id)
    .execute();
  for (const row of promoted) await outbox.add(trx, registrationMessage(MessageType.RegistrationPromoted, row, event));
  return promoted.length;
}
