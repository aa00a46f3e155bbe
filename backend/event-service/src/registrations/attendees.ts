import { z } from 'zod';
import { cursorCodec, toPage, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
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
