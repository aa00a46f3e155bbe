import { AppError, ErrorCode, newId, recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import { foldAccessCode, type AccessCodeDto, type CreateAccessCodeRequest } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { assertCanManage } from '../events/event-access.js';
import { assertTypesOfEvent, generateAccessCode } from './access-code.js';
import { accessCodesRepository, toAccessCodeDto } from './access-codes.repository.js';

type Deps = { db: Kysely<EventsDb>; outbox: Outbox };

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/**
 * Creates an access code for an event (its managers only): the code given, folded to upper case,
 * or a generated one; it must name the event's own ticket types. A code the event already has is
 * CONFLICT. Audited (the code's id, never its text: the text is a secret that opens seats).
 */
export async function createAccessCode(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  input: CreateAccessCodeRequest,
  origin: RequestOrigin,
): Promise<AccessCodeDto> {
  const event = await assertCanManage(deps, eventId, actor, origin);
  assertTypesOfEvent(
    input.ticketTypeIds,
    event.ticketTypes.map((t) => t.id),
  );
  const code = input.code !== undefined ? foldAccessCode(input.code) : generateAccessCode();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const row = await accessCodesRepository(trx).insert({
        id: newId('acc'),
        event_id: eventId,
        code,
        ticket_type_ids: input.ticketTypeIds,
        max_uses: input.maxUses,
        valid_until: input.validUntil ? new Date(input.validUntil) : null,
        created_by: actor.id,
      });
      await recordAudit(deps.outbox, trx, {
        actorId: actor.id,
        action: 'event.access_code_created',
        targetId: eventId,
        outcome: 'success',
        origin,
        changes: [
          {
            field: 'accessCode',
            from: null,
            to: { id: row.id, ticketTypeIds: row.ticket_type_ids, maxUses: row.max_uses, validUntil: input.validUntil },
          },
        ],
      });
      return toAccessCodeDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError(ErrorCode.CONFLICT, 'This event already has that access code.', {
        errors: [{ field: 'body.code', message: 'already exists for this event' }],
      });
    }
    throw err;
  }
}

/** The event's access codes with their uses, newest first (its managers only). */
export async function listAccessCodes(deps: Deps, actor: AuthUser, eventId: string, origin: RequestOrigin): Promise<AccessCodeDto[]> {
  await assertCanManage(deps, eventId, actor, origin);
  return (await accessCodesRepository(deps.db).listOf(eventId)).map(toAccessCodeDto);
}

/**
 * Deletes an access code (its managers only): it opens nothing from then on; registrations made
 * with it stay. A code that is not the event's, or already deleted, is NOT_FOUND. Audited.
 */
export async function deleteAccessCode(deps: Deps, actor: AuthUser, eventId: string, codeId: string, origin: RequestOrigin): Promise<void> {
  await assertCanManage(deps, eventId, actor, origin);
  await deps.db.transaction().execute(async (trx) => {
    const row = await accessCodesRepository(trx).markDeleted(eventId, codeId);
    if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'No such access code.');
    await recordAudit(deps.outbox, trx, {
      actorId: actor.id,
      action: 'event.access_code_deleted',
      targetId: eventId,
      outcome: 'success',
      origin,
      changes: [{ field: 'accessCode', from: { id: row.id, uses: row.uses }, to: null }],
    });
  });
}
