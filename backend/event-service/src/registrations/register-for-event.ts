import { AppError, ErrorCode, type AuthUser, type Cache, type Outbox } from '@secureevent/shared';
import { MessageType, type EventDto, type RegistrationDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { canView } from '../events/event.js';
import { eventsRepository, toEventDto } from '../events/events.repository.js';
import { validateAnswers, type Answers } from './answers.js';
import {
  availabilityMessage,
  insertRegistration,
  registrationMessage,
  toRegistrationDto,
  waitlistPosition,
  type RegistrationRow,
} from './registrations.repository.js';
import type { TicketSigner } from './tickets.js';

/** What registration use cases need. */
export interface RegistrationDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  cache: Cache;
  tickets: TicketSigner;
}

/** Throws REGISTRATION_CLOSED unless the event takes registrations now. */
export function assertRegistrationOpen(event: EventDto, now = new Date()): void {
  const closed = (why: string) => new AppError(ErrorCode.REGISTRATION_CLOSED, why);
  if (event.status !== 'published') throw closed(`Registration is closed: the event is ${event.status}.`);
  if (event.registrationOpensAt && now < new Date(event.registrationOpensAt))
    throw closed(`Registration opens at ${event.registrationOpensAt}.`);
  if (event.registrationClosesAt && now >= new Date(event.registrationClosesAt)) throw closed('Registration has closed.');
  if (now >= new Date(event.endsAt)) throw closed('The event is over.');
}

/** The caller's view of a registration: with its ticket while confirmed, with its place while waitlisted. */
export async function present(deps: Pick<RegistrationDeps, 'db' | 'tickets'>, row: RegistrationRow): Promise<RegistrationDto> {
  const position = await waitlistPosition(deps.db, row);
  return toRegistrationDto(row, {
    ...(position !== undefined ? { waitlistPosition: position } : {}),
    ...(row.status === 'confirmed' ? { ticketToken: deps.tickets.sign(row.id, row.event_id) } : {}),
  });
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/**
 * Registers the caller. A seat is claimed by one conditional UPDATE of the event row — it succeeds
 * only while seats are left and nobody is waiting — so the database, not a read-then-write in the
 * application, decides; the row lock it takes also orders the waitlist strictly. The registration,
 * the counts and the messages commit together. Registering twice returns the existing registration.
 */
export async function registerForEvent(
  deps: RegistrationDeps,
  actor: AuthUser,
  eventId: string,
  rawAnswers: Answers,
  idempotencyKey?: string,
  invite?: string,
): Promise<{ created: boolean; registration: RegistrationDto }> {
  const scope = `register:${eventId}`;
  if (idempotencyKey) {
    const seen = await deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', actor.id)
      .where('key', '=', idempotencyKey)
      .executeTakeFirst();
    if (seen) {
      if (seen.scope !== scope) throw new AppError(ErrorCode.CONFLICT, 'This Idempotency-Key was already used for a different request.');
      return { created: false, registration: seen.body as RegistrationDto };
    }
  }
  const repo = eventsRepository(deps.db);
  const event = await repo.findById(eventId);
  const invited = event?.visibility === 'private' && (await repo.inviteMatches(eventId, invite));
  if (!event || !canView(event, actor, invited)) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  assertRegistrationOpen(event);
  const answers = validateAnswers(event.questions, rawAnswers);

  const existing = () =>
    deps.db
      .selectFrom('registrations')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('user_id', '=', actor.id)
      .where('status', '<>', 'cancelled')
      .executeTakeFirst();
  const already = await existing();
  if (already) return { created: false, registration: await present(deps, already) };

  try {
    const result = await deps.db.transaction().execute(async (trx) => {
      const confirmed = await trx
        .updateTable('events')
        .set((eb) => ({ confirmed_count: eb('confirmed_count', '+', 1) }))
        .where('id', '=', eventId)
        .where('status', '=', 'published')
        .where((eb) => eb('confirmed_count', '<', eb.ref('capacity')))
        .where('waitlisted_count', '=', 0)
        .returningAll()
        .executeTakeFirst();
      const counted =
        confirmed ??
        (await trx
          .updateTable('events')
          .set((eb) => ({ waitlisted_count: eb('waitlisted_count', '+', 1) }))
          .where('id', '=', eventId)
          .where('status', '=', 'published')
          .returningAll()
          .executeTakeFirst());
      if (!counted) throw new AppError(ErrorCode.REGISTRATION_CLOSED, 'Registration is closed: the event is no longer published.');
      const after = toEventDto(counted);
      const row = await insertRegistration(trx, { eventId, userId: actor.id, status: confirmed ? 'confirmed' : 'waitlisted', answers });
      // Under the event row lock the waitlist count is exactly this person's place: no extra query.
      const dto = toRegistrationDto(
        row,
        confirmed ? { ticketToken: deps.tickets.sign(row.id, eventId) } : { waitlistPosition: after.availability.waitlisted },
      );
      await deps.outbox.add(
        trx,
        registrationMessage(
          confirmed ? MessageType.RegistrationConfirmed : MessageType.RegistrationWaitlisted,
          row,
          after,
          dto.waitlistPosition,
        ),
        availabilityMessage(after),
      );
      if (idempotencyKey) {
        await trx
          .insertInto('idempotency_keys')
          .values({ user_id: actor.id, key: idempotencyKey, scope, status: 201, body: JSON.stringify(dto) })
          .execute();
      }
      return dto;
    });
    await deps.cache.delete(`event:${eventId}`);
    return { created: true, registration: result };
  } catch (err) {
    // The same person registering twice at the same moment: the unique index let one through.
    if (isUniqueViolation(err)) {
      const winner = await existing();
      if (winner) return { created: false, registration: await present(deps, winner) };
    }
    throw err;
  }
}
