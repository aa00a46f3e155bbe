import { sql, type Kysely, type Selectable } from 'kysely';
import { keysetPage, newId } from '@secureevent/shared';
import type { RegistrationDto, RegistrationStatus } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import type { Answers } from './answers.js';

export type RegistrationRow = Selectable<EventsDb['registrations']>;
/** A registration with the attendee's name and email (null until the user-service has told us). */
export type AttendeeRow = RegistrationRow & { display_name: string | null; email: string | null };
/** A registration with the event fields the holder's ticket list shows. */
export type MyRegistrationRow = RegistrationRow & { title: string; starts_at: Date; ends_at: Date; time_zone: string };

/** The API shape; the ticket token is attached only for confirmed registrations and only by the caller. */
export function toRegistrationDto(row: RegistrationRow, extra: { waitlistPosition?: number; ticketToken?: string } = {}): RegistrationDto {
  return {
    id: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    status: row.status,
    ticketTypeId: row.ticket_type_id,
    ...(extra.waitlistPosition !== undefined ? { waitlistPosition: extra.waitlistPosition } : {}),
    ...(extra.ticketToken !== undefined ? { ticketToken: extra.ticketToken } : {}),
    ...(extra.ticketToken !== undefined ? { ticketCode: row.ticket_code } : {}),
    answers: row.answers,
    createdAt: new Date(row.created_at).toISOString(),
    checkedInAt: row.checked_in_at ? new Date(row.checked_in_at).toISOString() : null,
    ...(row.status === 'rejected' ? { rejectionReason: row.rejection_reason } : {}),
  };
}

/** Statuses that are not a person's live registration (they may register again). */
const ENDED = ['cancelled', 'rejected'] as const;

/** SQL for registrations; returns plain rows. */
export function registrationsRepository(db: Kysely<EventsDb>) {
  const attendees = (eventId: string) =>
    db
      .selectFrom('registrations as r')
      .leftJoin('people as p', 'p.user_id', 'r.user_id')
      .selectAll('r')
      .select(['p.display_name', 'p.email'])
      .where('r.event_id', '=', eventId);

  return {
    async findById(id: string, opts: { forUpdate?: boolean } = {}): Promise<RegistrationRow | undefined> {
      let q = db.selectFrom('registrations').selectAll().where('id', '=', id);
      if (opts.forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    /** The live (confirmed, waitlisted or pending) registrations of these people for the event. */
    async findLive(eventId: string, userIds: readonly string[]): Promise<RegistrationRow[]> {
      if (userIds.length === 0) return [];
      return db
        .selectFrom('registrations')
        .selectAll()
        .where('event_id', '=', eventId)
        .where('user_id', 'in', [...userIds])
        .where('status', 'not in', ENDED)
        .execute();
    },

    /** These registrations of the event, locked for a decision on them (the caller holds the event row lock). */
    async lockOfEvent(eventId: string, ids: readonly string[]): Promise<RegistrationRow[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('registrations')
        .selectAll()
        .where('event_id', '=', eventId)
        .where('id', 'in', [...ids])
        .orderBy('id')
        .forUpdate()
        .execute();
    },

    /**
     * Approves pending registrations with the seat claim's outcome: confirmed ones get their time,
     * waitlisted ones draw their place from the sequence row by row in the given order. Returns
     * them in that order.
     */
    async markApproved(
      decisions: readonly { id: string; status: 'confirmed' | 'waitlisted' }[],
      decidedBy: string,
    ): Promise<RegistrationRow[]> {
      const rows: RegistrationRow[] = [];
      const now = new Date();
      // One UPDATE per registration keeps the waitlist places in the given order (a bulk UPDATE's
      // row order is not defined); a bulk approval is at most 500 rows, under the event lock.
      for (const d of decisions) {
        rows.push(
          await db
            .updateTable('registrations')
            .set({
              status: d.status,
              confirmed_at: d.status === 'confirmed' ? now : null,
              waitlist_seq: d.status === 'waitlisted' ? sql<string>`nextval('events.waitlist_seq')` : null,
              decided_at: now,
              decided_by: decidedBy,
            })
            .where('id', '=', d.id)
            .where('status', '=', 'pending')
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
      }
      return rows;
    },

    /** Rejects pending registrations (the caller checked each is pending, under its lock). */
    async markRejected(ids: readonly string[], reason: string | null, decidedBy: string): Promise<RegistrationRow[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('registrations')
        .set({ status: 'rejected', rejection_reason: reason, decided_at: new Date(), decided_by: decidedBy })
        .where('id', 'in', [...ids])
        .where('status', '=', 'pending')
        .returningAll()
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    },

    /** Everyone holding a live registration for the event. */
    /** Which of these ticket types any registration refers to, whatever its status (cancelled and rejected ones too). */
    async ticketTypesInUse(ticketTypeIds: readonly string[]): Promise<string[]> {
      if (ticketTypeIds.length === 0) return [];
      const rows = await db
        .selectFrom('registrations')
        .select('ticket_type_id')
        .distinct()
        .where('ticket_type_id', 'in', ticketTypeIds)
        .execute();
      return rows.map((r) => r.ticket_type_id);
    },

    async liveUserIds(eventId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('registrations')
        .select('user_id')
        .where('event_id', '=', eventId)
        .where('status', 'not in', ENDED)
        .execute();
      return rows.map((r) => r.user_id);
    },

    /** The caller's registrations with the event fields their ticket list shows, soonest event first. */
    async findMine(userId: string, opts: { eventId?: string } = {}): Promise<MyRegistrationRow[]> {
      let q = db
        .selectFrom('registrations as r')
        .innerJoin('events as e', 'e.id', 'r.event_id')
        .selectAll('r')
        .select(['e.title', 'e.starts_at', 'e.ends_at', 'e.time_zone'])
        .where('r.user_id', '=', userId);
      if (opts.eventId) q = q.where('r.event_id', '=', opts.eventId);
      return q.orderBy('e.starts_at').orderBy('r.created_at', 'desc').limit(500).execute();
    },

    /** 1-based place in the ticket type's waitlist (the count of people still waiting ahead for that type, plus one). */
    async waitlistPosition(row: RegistrationRow): Promise<number | undefined> {
      if (row.status !== 'waitlisted' || row.waitlist_seq === null) return undefined;
      const r = await db
        .selectFrom('registrations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('ticket_type_id', '=', row.ticket_type_id)
        .where('status', '=', 'waitlisted')
        .where('waitlist_seq', '<=', row.waitlist_seq)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /**
     * Inserts registrations of one event in one statement and returns them in the given order.
     * Waitlisted rows draw their place from the sequence row by row, in the given order.
     */
    async insertMany(
      eventId: string,
      people: readonly {
        userId: string;
        ticketTypeId: string;
        status: 'confirmed' | 'waitlisted' | 'pending';
        answers: Answers;
        accessCodeId?: string | undefined;
      }[],
    ): Promise<RegistrationRow[]> {
      const now = new Date();
      const rows = await db
        .insertInto('registrations')
        .values(
          people.map((r) => ({
            id: newId('reg'),
            event_id: eventId,
            user_id: r.userId,
            ticket_type_id: r.ticketTypeId,
            status: r.status,
            answers: JSON.stringify(r.answers) as unknown as Answers,
            // The sequence lives in the service's own schema (events).
            waitlist_seq: r.status === 'waitlisted' ? sql<string>`nextval('events.waitlist_seq')` : null,
            confirmed_at: r.status === 'confirmed' ? now : null,
            promoted_at: null,
            cancelled_at: null,
            checked_in_at: null,
            checked_in_by: null,
            access_code_id: r.accessCodeId ?? null,
          })),
        )
        .returningAll()
        .execute();
      const byUser = new Map(rows.map((row) => [row.user_id, row]));
      return people.map((p) => byUser.get(p.userId)!);
    },

    /**
     * The first `perType` people waiting for each of the event's ticket types, in waitlist order
     * across types (who a promotion may let in: never more than the seats left).
     */
    async waitingHeads(eventId: string, perType: number): Promise<{ id: string; ticketTypeId: string }[]> {
      if (perType <= 0) return [];
      const rows = await db
        .selectFrom((eb) =>
          eb
            .selectFrom('registrations')
            .select((w) => [
              'id',
              'ticket_type_id',
              'waitlist_seq',
              w.fn
                .agg<string>('row_number')
                .over((o) => o.partitionBy('ticket_type_id').orderBy('waitlist_seq'))
                .as('place'),
            ])
            .where('event_id', '=', eventId)
            .where('status', '=', 'waitlisted')
            .as('w'),
        )
        .select(['w.id', 'w.ticket_type_id'])
        .where('w.place', '<=', String(perType))
        .orderBy('w.waitlist_seq')
        .execute();
      return rows.map((r) => ({ id: r.id, ticketTypeId: r.ticket_type_id }));
    },

    /** Confirms these waitlisted registrations (the caller chose them with the seat arithmetic). */
    async promote(ids: readonly string[]): Promise<RegistrationRow[]> {
      if (ids.length === 0) return [];
      const now = new Date();
      const rows = await db
        .updateTable('registrations')
        .set({ status: 'confirmed', promoted_at: now, confirmed_at: now, waitlist_seq: null })
        .where('id', 'in', [...ids])
        .where('status', '=', 'waitlisted')
        .returningAll()
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    },

    async markCancelled(id: string): Promise<RegistrationRow> {
      return db
        .updateTable('registrations')
        .set({ status: 'cancelled', cancelled_at: new Date(), waitlist_seq: null })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Cancels every live registration of the event (the event was cancelled); returns them as they were before. */
    async cancelAllOf(eventId: string): Promise<{ id: string; userId: string; status: RegistrationStatus }[]> {
      const live = await db
        .selectFrom('registrations')
        .select(['id', 'user_id', 'status'])
        .where('event_id', '=', eventId)
        .where('status', 'not in', ENDED)
        .execute();
      if (live.length === 0) return [];
      await db
        .updateTable('registrations')
        .set({ status: 'cancelled', cancelled_at: new Date(), waitlist_seq: null })
        .where('event_id', '=', eventId)
        .where('status', 'not in', ENDED)
        .execute();
      return live.map((r) => ({ id: r.id, userId: r.user_id, status: r.status }));
    },

    /** One page of the event's attendees, optionally of one status, oldest registration first. */
    async attendeesPage(
      eventId: string,
      opts: { status?: RegistrationStatus | undefined; after?: { createdAt: string; id: string } | undefined; limit: number },
    ): Promise<AttendeeRow[]> {
      let q = attendees(eventId);
      if (opts.status) q = q.where('r.status', '=', opts.status);
      return keysetPage(q, {
        keys: [
          ['r.created_at', 'asc'],
          ['r.id', 'asc'],
        ],
        after: opts.after ? [new Date(opts.after.createdAt), opts.after.id] : undefined,
        limit: opts.limit,
      }).execute();
    },

    /** Every live attendee of the event, oldest registration first (the CSV export). */
  };
}
