import { keysetPage } from '@secureevent/shared';
import type { Kysely } from 'kysely';
import type { RegistrationStatus } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';

/** One attendee as the export writes them. */
export interface ExportedAttendee {
  id: string;
  displayName: string | null;
  email: string | null;
  status: RegistrationStatus;
  ticketType: string | null;
  ticketCode: string;
  registeredAt: Date;
  checkedInAt: Date | null;
  answers: Record<string, string | boolean>;
}

/** SQL for exports; returns plain objects. */
export function exportsRepository(db: Kysely<EventsDb>) {
  return {
    /**
     * One page of the event's live (not cancelled) attendees after `after`, oldest registration
     * first: the export reads the list in pages, so its memory does not grow with the event.
     */
    async attendeesAfter(eventId: string, after: readonly [Date, string] | undefined, limit: number): Promise<ExportedAttendee[]> {
      const q = db
        .selectFrom('registrations as r')
        .leftJoin('people as p', 'p.user_id', 'r.user_id')
        .leftJoin('ticket_types as t', 't.id', 'r.ticket_type_id')
        .select([
          'r.id',
          'r.status',
          'r.ticket_code',
          'r.created_at',
          'r.checked_in_at',
          'r.answers',
          'p.display_name',
          'p.email',
          't.name as ticket_type',
        ])
        .where('r.event_id', '=', eventId)
        .where('r.status', '<>', 'cancelled');
      const rows = await keysetPage(q, {
        keys: [
          ['r.created_at', 'asc'],
          ['r.id', 'asc'],
        ],
        after: after ? [...after] : undefined,
        limit,
      }).execute();
      return rows.map((r) => ({
        id: r.id,
        displayName: r.display_name ?? null,
        email: r.email ?? null,
        status: r.status,
        ticketType: r.ticket_type ?? null,
        ticketCode: r.ticket_code,
        registeredAt: new Date(r.created_at),
        checkedInAt: r.checked_in_at ? new Date(r.checked_in_at) : null,
        answers: r.answers,
      }));
    },
  };
}
