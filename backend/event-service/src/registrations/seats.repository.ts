import { sql, type Kysely } from 'kysely';
import type { EventDto } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import type { SeatCounts, TicketTypeCounts } from './seats.js';

/** A ticket type's counters, and whether attendees may see it (availability pushes leave hidden ones out). */
export interface TicketTypeLedger extends TicketTypeCounts {
  hidden: boolean;
}

/**
 * An event's seat ledger: the counters kept in step with its registrations, in the same
 * transactions, per event and per ticket type, and what registration messages say about the
 * event. The registrations feature owns these columns of the event and ticket type rows; the
 * events feature owns the rest.
 */
export interface SeatLedger
  extends SeatCounts, Pick<EventDto, 'id' | 'title' | 'startsAt' | 'visibility' | 'status' | 'organizerIds' | 'registrationMode'> {
  ticketTypes: TicketTypeLedger[];
}

/** How a change moves the counters: of the event, and of each ticket type it touches. */
export interface SeatDelta {
  confirmed: number;
  waitlisted: number;
  types: readonly { id: string; confirmed: number; waitlisted: number }[];
}

const columns = [
  'id',
  'title',
  'starts_at',
  'visibility',
  'status',
  'organizer_ids',
  'capacity',
  'confirmed_count',
  'waitlisted_count',
  'registration_mode',
] as const;
const typeColumns = ['id', 'capacity', 'confirmed_count', 'waitlisted_count', 'hidden'] as const;

type LedgerRow = Omit<Pick<EventsDb['events'], (typeof columns)[number]>, 'confirmed_count' | 'waitlisted_count' | 'registration_mode'> & {
  confirmed_count: number;
  waitlisted_count: number;
  registration_mode: EventDto['registrationMode'];
};
type TypeRow = { id: string; capacity: number; confirmed_count: number; waitlisted_count: number; hidden: boolean };

const toType = (row: TypeRow): TicketTypeLedger => ({
  id: row.id,
  capacity: row.capacity,
  confirmed: row.confirmed_count,
  waitlisted: row.waitlisted_count,
  hidden: row.hidden,
});

const toLedger = (row: LedgerRow, types: readonly TypeRow[]): SeatLedger => ({
  id: row.id,
  title: row.title,
  startsAt: new Date(row.starts_at).toISOString(),
  visibility: row.visibility,
  status: row.status,
  organizerIds: row.organizer_ids,
  registrationMode: row.registration_mode,
  capacity: row.capacity,
  confirmed: row.confirmed_count,
  waitlisted: row.waitlisted_count,
  ticketTypes: types.map(toType),
});

/** SQL for the seat counters on the event and ticket type rows; returns plain objects. */
export function seatsRepository(db: Kysely<EventsDb>) {
  const typesOf = (eventId: string) =>
    db.selectFrom('ticket_types').select(typeColumns).where('event_id', '=', eventId).orderBy('position').orderBy('id');

  return {
    /**
     * Reads the event's ledger under its row lock, then its ticket types' rows under theirs (all
     * held until the transaction ends). Every change of seats takes the event's lock first, so
     * seat claims, cancellations and promotions of one event are serialised and cannot deadlock,
     * and a type's counters only ever change under its event's lock.
     */
    async lock(eventId: string): Promise<SeatLedger | undefined> {
      const row = await db.selectFrom('events').select(columns).where('id', '=', eventId).forUpdate().executeTakeFirst();
      if (!row) return undefined;
      const types = await typesOf(eventId).forUpdate().execute();
      return toLedger(row, types);
    },

    /** The ledger without locking (who manages the event, before a decision takes the lock). */
    async read(eventId: string): Promise<SeatLedger | undefined> {
      const row = await db.selectFrom('events').select(columns).where('id', '=', eventId).executeTakeFirst();
      if (!row) return undefined;
      return toLedger(row, await typesOf(eventId).execute());
    },

    /**
     * Moves the counters by `delta` (the caller holds the lock and decided it with the seat
     * arithmetic): the event row in one UPDATE, the ticket types it touches in another. The CHECK
     * constraints `events_never_oversold` and `ticket_types_never_oversold` refuse any result
     * above a capacity.
     */
    async adjust(eventId: string, delta: SeatDelta): Promise<SeatLedger> {
      const row = await db
        .updateTable('events')
        .set((eb) => ({
          confirmed_count: eb('confirmed_count', '+', delta.confirmed),
          waitlisted_count: eb('waitlisted_count', '+', delta.waitlisted),
        }))
        .where('id', '=', eventId)
        .returning(columns)
        .executeTakeFirstOrThrow();
      const moved = delta.types.filter((t) => t.confirmed !== 0 || t.waitlisted !== 0);
      if (moved.length > 0) {
        const values = sql.join(moved.map((t) => sql`(${t.id}::text, ${t.confirmed}::int, ${t.waitlisted}::int)`));
        await sql`
          update events.ticket_types t
             set confirmed_count = t.confirmed_count + d.confirmed, waitlisted_count = t.waitlisted_count + d.waitlisted
            from (values ${values}) as d(id, confirmed, waitlisted)
           where t.id = d.id and t.event_id = ${eventId}`.execute(db);
      }
      const types = await typesOf(eventId).execute();
      return toLedger(row, types);
    },

    /** Every ticket type's counters back to zero (the event was cancelled and its registrations released). */
    async clearTypes(eventId: string): Promise<void> {
      await db.updateTable('ticket_types').set({ confirmed_count: 0, waitlisted_count: 0 }).where('event_id', '=', eventId).execute();
    },
  };
}
