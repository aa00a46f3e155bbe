import type { RegistrationDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { registrationsRepository, toRegistrationDto, type RegistrationRow } from './registrations.repository.js';
import type { TicketSigner } from './tickets.js';

/** The holder's view of a registration: with its ticket while confirmed, with its place while waitlisted. */
export async function presentRegistration(
  deps: { db: Kysely<EventsDb>; tickets: TicketSigner },
  row: RegistrationRow,
): Promise<RegistrationDto> {
  const position = await registrationsRepository(deps.db).waitlistPosition(row);
  return toRegistrationDto(row, {
    ...(position !== undefined ? { waitlistPosition: position } : {}),
    ...(row.status === 'confirmed' ? { ticketToken: deps.tickets.sign(row.id, row.event_id) } : {}),
  });
}
