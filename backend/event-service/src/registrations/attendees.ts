import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { cursorCodec, recordAudit, spreadsheetSafe, toPage, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { Attendee, AttendeePage, ListAttendeesQuery } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { assertCanManage } from '../events/event-access.js';
import { registrationsRepository, toRegistrationDto, type AttendeeRow } from './registrations.repository.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));

type Deps = { db: Kysely<EventsDb>; outbox: Outbox };

const toAttendee = (r: AttendeeRow): Attendee => ({ ...toRegistrationDto(r), displayName: r.display_name, email: r.email });

/** The attendee list of an event, for its managers, oldest registration first. */
export async function listAttendees(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  query: ListAttendeesQuery,
  origin: RequestOrigin,
): Promise<AttendeePage> {
  await assertCanManage(deps, eventId, actor, origin);
  const rows = await registrationsRepository(deps.db).attendeesPage(eventId, {
    status: query.status,
    after: cursor.decode(query.cursor),
    limit: query.limit + 1,
  });
  return toPage(rows.map(toAttendee), query.limit, (a) => ({ createdAt: a.createdAt, id: a.id }), cursor.encode);
}

/** The attendee list as CSV (UTF-8 with BOM for Excel, formula injection neutralised), one column per registration question. Audited. */
export async function exportAttendeesCsv(deps: Deps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<string> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  const rows = await registrationsRepository(deps.db).liveAttendees(eventId);
  const header = [
    'registration_id',
    'user_id',
    'name',
    'email',
    'status',
    'registered_at',
    'checked_in_at',
    ...event.questions.map((q) => q.label),
  ];
  const records = rows.map((r) => [
    r.id,
    r.user_id,
    r.display_name ?? '',
    r.email ?? '',
    r.status,
    new Date(r.created_at).toISOString(),
    r.checked_in_at ? new Date(r.checked_in_at).toISOString() : '',
    ...event.questions.map((q) => {
      const v = r.answers[q.id];
      return v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v;
    }),
  ]);
  await deps.db.transaction().execute((trx) =>
    recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.attendees_exported',
      targetId: eventId,
      outcome: 'success',
      origin,
    }),
  );
  return '\uFEFF' + stringify([header, ...records].map((cells) => cells.map((c) => spreadsheetSafe(String(c)))));
}
