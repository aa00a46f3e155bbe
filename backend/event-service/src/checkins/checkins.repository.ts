import { sql, type Kysely } from 'kysely';
import type { RegistrationStatus } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { likeLiteral, type AttendeeQuery } from './attendee-search.js';

/** A ticket's registration as the door sees it. */
export interface ScannedRegistration {
  id: string;
  userId: string;
  status: RegistrationStatus;
  checkedInAt: Date | null;
  checkedInBy: string | null;
  /** The name of who checked it in, when known (the door staff are colleagues). */
  checkedInByName: string | null;
}

/** Who holds a ticket: the name and email the user-service last told us (null until then). */
export interface TicketHolder {
  displayName: string | null;
  email: string | null;
  ticketCode: string;
  /** The name of the ticket's type (General admission, Speaker, …). */
  ticketType: string | null;
}

/** An attendee found at the door, with where their check-in stands. */
export interface FoundAttendee {
  registrationId: string;
  displayName: string | null;
  email: string | null;
  ticketCode: string;
  ticketType: string | null;
  checkedInAt: Date | null;
  checkedInByName: string | null;
}

const WORD_BREAKS = [' ', '.', '@', '-'];

/** SQL for check-ins (columns of the registration row); returns plain objects. */
export function checkinsRepository(db: Kysely<EventsDb>) {
  return {
    /**
     * Checks the registration in at `at` by `by`: one conditional UPDATE, so a ticket is valid
     * exactly once even when two scanners read it at the same moment. Undefined when it is not a
     * confirmed registration of the event that is still unchecked.
     */
    async checkIn(
      registrationId: string,
      eventId: string,
      by: string,
      at: Date,
    ): Promise<{ id: string; userId: string; checkedInAt: Date } | undefined> {
      const row = await db
        .updateTable('registrations')
        .set({ checked_in_at: at, checked_in_by: by })
        .where('id', '=', registrationId)
        .where('event_id', '=', eventId)
        .where('status', '=', 'confirmed')
        .where('checked_in_at', 'is', null)
        .returning(['id', 'user_id', 'checked_in_at'])
        .executeTakeFirst();
      return row ? { id: row.id, userId: row.user_id, checkedInAt: new Date(row.checked_in_at!) } : undefined;
    },

    /**
     * Undoes the check-in made at exactly `checkedInAt` (read under the caller's rule): a
     * conditional UPDATE, so a concurrent undo or a newer check-in is never undone twice.
     */
    async undo(registrationId: string, eventId: string, checkedInAt: Date): Promise<boolean> {
      const r = await db
        .updateTable('registrations')
        .set({ checked_in_at: null, checked_in_by: null })
        .where('id', '=', registrationId)
        .where('event_id', '=', eventId)
        .where('checked_in_at', '=', checkedInAt)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** The registration of `eventId` whose short code is `code` (canonical form), if any. */
    async findIdByCode(eventId: string, code: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('registrations')
        .select('id')
        .where('event_id', '=', eventId)
        .where('ticket_code', '=', code)
        .executeTakeFirst();
      return row?.id;
    },

    /** The registration's id when it belongs to `eventId`. */
    async findIdByRegistration(eventId: string, registrationId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('registrations')
        .select('id')
        .where('id', '=', registrationId)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row?.id;
    },

    /** The registration behind a ticket, with who checked it in. */
    async findScanned(registrationId: string): Promise<ScannedRegistration | undefined> {
      const row = await db
        .selectFrom('registrations as r')
        .leftJoin('people as p', 'p.user_id', 'r.checked_in_by')
        .select(['r.id', 'r.user_id', 'r.status', 'r.checked_in_at', 'r.checked_in_by', 'p.display_name'])
        .where('r.id', '=', registrationId)
        .executeTakeFirst();
      return row
        ? {
            id: row.id,
            userId: row.user_id,
            status: row.status,
            checkedInAt: row.checked_in_at ? new Date(row.checked_in_at) : null,
            checkedInBy: row.checked_in_by,
            checkedInByName: row.display_name ?? null,
          }
        : undefined;
    },

    /** Whose ticket a registration is. */
    async holderOf(registrationId: string): Promise<TicketHolder | undefined> {
      const row = await db
        .selectFrom('registrations as r')
        .leftJoin('people as p', 'p.user_id', 'r.user_id')
        .leftJoin('ticket_types as t', 't.id', 'r.ticket_type_id')
        .select(['r.ticket_code', 'p.display_name', 'p.email', 't.name as ticket_type'])
        .where('r.id', '=', registrationId)
        .executeTakeFirst();
      return row
        ? {
            displayName: row.display_name ?? null,
            email: row.email ?? null,
            ticketCode: row.ticket_code,
            ticketType: row.ticket_type ?? null,
          }
        : undefined;
    },

    /**
     * Confirmed attendees of the event whose name or email has a word starting with each of the
     * query's words, or whose code starts with its code prefix; by name. The event's rows are
     * found by the registrations' event index; the folded key is matched on those rows only.
     */
    async search(eventId: string, query: AttendeeQuery, limit: number): Promise<FoundAttendee[]> {
      const rows = await db
        .selectFrom('registrations as r')
        .leftJoin('people as p', 'p.user_id', 'r.user_id')
        .leftJoin('people as by', 'by.user_id', 'r.checked_in_by')
        .leftJoin('ticket_types as t', 't.id', 'r.ticket_type_id')
        .select([
          'r.id',
          'r.ticket_code',
          'r.checked_in_at',
          'p.display_name',
          'p.email',
          'by.display_name as by_name',
          't.name as ticket_type',
        ])
        .where('r.event_id', '=', eventId)
        .where('r.status', '=', 'confirmed')
        .where((eb) => {
          // The key is "name email": a word starts the key or follows a space, a dot, an @ or a hyphen.
          const wordStarts = (w: string) => {
            const literal = likeLiteral(w);
            return eb.or([`${literal}%`, ...WORD_BREAKS.map((b) => `%${b}${literal}%`)].map((p) => eb('p.search_key', 'like', p)));
          };
          const alternatives = [];
          if (query.words.length > 0) alternatives.push(eb.and(query.words.map(wordStarts)));
          if (query.codePrefix) alternatives.push(eb('r.ticket_code', 'like', `${query.codePrefix}%`));
          return alternatives.length > 0 ? eb.or(alternatives) : eb.lit(false);
        })
        .orderBy(sql`coalesce(p.display_name, p.email, r.ticket_code)`)
        .orderBy('r.id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        registrationId: r.id,
        displayName: r.display_name ?? null,
        email: r.email ?? null,
        ticketCode: r.ticket_code,
        ticketType: r.ticket_type ?? null,
        checkedInAt: r.checked_in_at ? new Date(r.checked_in_at) : null,
        checkedInByName: r.by_name ?? null,
      }));
    },

    /** How many tickets of the event have been scanned. */
    async checkedInCount(eventId: string): Promise<number> {
      const r = await db
        .selectFrom('registrations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('event_id', '=', eventId)
        .where('checked_in_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
