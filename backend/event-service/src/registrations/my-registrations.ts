import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import type { MyRegistrationDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { isLive } from './registration.js';
import { presentRegistration } from './registration-view.js';
import { registrationsRepository, type MyRegistrationRow } from './registrations.repository.js';
import type { TicketSigner } from './tickets.js';

type Deps = { db: Kysely<EventsDb>; tickets: TicketSigner };

async function presentMine(deps: Deps, row: MyRegistrationRow): Promise<MyRegistrationDto> {
  return {
    ...(await presentRegistration(deps, row)),
    eventTitle: row.title,
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
    timeZone: row.time_zone,
  };
}

/** The caller's registrations and tickets, soonest event first. */
export async function listMyRegistrations(deps: Deps, actor: AuthUser): Promise<MyRegistrationDto[]> {
  const rows = await registrationsRepository(deps.db).findMine(actor.id);
  return Promise.all(rows.map((row) => presentMine(deps, row)));
}

/**
 * The caller's registration for one event: the live one, or else the latest ended one (so a page
 * can say "you cancelled" or "the organizer declined"). Only ever the caller's own; none at all is NOT_FOUND.
 */
export async function getMyRegistration(deps: Deps, actor: AuthUser, eventId: string): Promise<MyRegistrationDto> {
  const rows = await registrationsRepository(deps.db).findMine(actor.id, { eventId });
  // Newest first within the event; at most one is live (a partial unique index).
  const row = rows.find((r) => isLive(r.status)) ?? rows[0];
  if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'You have no registration for this event.');
  return presentMine(deps, row);
}
