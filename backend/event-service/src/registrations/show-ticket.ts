import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { registrationsRepository } from './registrations.repository.js';
import { ticketSvg, type TicketSigner } from './tickets.js';

/** The caller's ticket as an SVG QR code: only for their own confirmed registration (anything else is NOT_FOUND). */
export async function showTicket(
  deps: { db: Kysely<EventsDb>; tickets: TicketSigner },
  actor: AuthUser,
  registrationId: string,
): Promise<string> {
  const row = await registrationsRepository(deps.db).findById(registrationId);
  if (!row || row.user_id !== actor.id || row.status !== 'confirmed') throw new AppError(ErrorCode.NOT_FOUND, 'No such ticket.');
  return ticketSvg(deps.tickets.sign(row.id, row.event_id));
}
