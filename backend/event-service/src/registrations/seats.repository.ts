import type { Kysely } from 'kysely';
import type { EventDto } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import type { SeatCounts } from './seats.js';

/**
 * An event's seat ledger: the counters kept in step with its registrations, in the same
 * transactions, and what registration messages say about the event. The registrations feature owns
 * these columns of the event row; the events feature owns the rest.
 */
export interface SeatLedger extends SeatCounts, Pick<EventDto, 'id' | 'title' | 'startsAt' | 'visibility' | 'status' | 'organizerIds'> {}

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
] as const;

type LedgerRow = Pick<EventsDb['events'], (typeof columns)[number]> & { confirmed_count: number; waitlisted_count: number };

const toLedger = (row: LedgerRow): SeatLedger => ({
  id: row.id,
  title: row.title,
  startsAt: new Date(row.starts_at).toISOString(),
  visibility: row.visibility,
  status: row.status,
  organizerIds: row.organizer_ids,
  capacity: row.capacity,
  confirmed: row.confirmed_count,
  waitlisted: row.waitlisted_count,
});

/** SQL for the seat counters on the event row; returns plain objects. */
export function seatsRepository(db: Kysely<EventsDb>) {
  return {
    /**
     * Reads the event's ledger under its row lock (held until the transaction ends). Every change
     * of seats takes this lock first, so seat claims, cancellations and promotions of one event
     * are serialised and cannot deadlock.
     */
    async lock(eventId: string): Promise<SeatLedger | undefined> {
      const row = await db.selectFrom('events').select(columns).where('id', '=', eventId).forUpdate().executeTakeFirst();
      return row ? toLedger(row as LedgerRow) : undefined;
    },

    /**
     * Moves the counters by `delta` (the caller holds the lock and decided it with the seat
     * arithmetic). The CHECK constraint `events_never_oversold` refuses any result above capacity.
     */
    async adjust(eventId: string, delta: { confirmed: number; waitlisted: number }): Promise<SeatLedger> {
      const row = await db
        .updateTable('events')
        .set((eb) => ({
          confirmed_count: eb('confirmed_count', '+', delta.confirmed),
          waitlisted_count: eb('waitlisted_count', '+', delta.waitlisted),
        }))
        .where('id', '=', eventId)
        .returning(columns)
        .executeTakeFirstOrThrow();
      return toLedger(row as LedgerRow);
    },
  };
}
