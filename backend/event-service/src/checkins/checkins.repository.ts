import type { Kysely } from 'kysely';
import type { RegistrationStatus } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

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
