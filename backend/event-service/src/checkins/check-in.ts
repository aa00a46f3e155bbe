import { AppError, ErrorCode, recordAudit, type AuthUser, type RequestOrigin } from '@secureevent/shared';
import { MessageType, type CheckinRecordedV1 } from '@secureevent/contracts';
import { assertCanManage } from '../events/event-access.js';
import { checkedInCount } from '../events/manage-event.js';
import type { RegistrationDeps } from '../registrations/register-for-event.js';

/**
 * Checks a ticket in at the door. The signature is verified without touching the database; the
 * check-in itself is one conditional UPDATE, so a ticket is valid exactly once even when two
 * scanners read it at the same moment. A second scan answers 409 with when and by whom.
 */
export async function checkIn(deps: RegistrationDeps, actor: AuthUser, eventId: string, ticketToken: string, origin: RequestOrigin) {
  await assertCanManage(deps, eventId, actor, origin);
  const registrationId = deps.tickets.verify(ticketToken, eventId);
  if (!registrationId) throw new AppError(ErrorCode.INVALID_TICKET, 'This is not a valid ticket for this event.');
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('registrations')
      .set({ checked_in_at: new Date(), checked_in_by: actor.id })
      .where('id', '=', registrationId)
      .where('event_id', '=', eventId)
      .where('status', '=', 'confirmed')
      .where('checked_in_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const current = await trx.selectFrom('registrations').selectAll().where('id', '=', registrationId).executeTakeFirst();
      if (current?.checked_in_at && current.status === 'confirmed') {
        const at = new Date(current.checked_in_at).toISOString();
        // The door staff are colleagues: their name says more than an id (null until it is known).
        const by = current.checked_in_by
          ? await trx.selectFrom('people').select('display_name').where('user_id', '=', current.checked_in_by).executeTakeFirst()
          : undefined;
        throw new AppError(ErrorCode.ALREADY_CHECKED_IN, `This ticket was already checked in at ${at}.`, {
          checkedInAt: at,
          checkedInBy: current.checked_in_by,
          checkedInByName: by?.display_name ?? null,
        });
      }
      throw new AppError(ErrorCode.INVALID_TICKET, 'This ticket is no longer valid (the registration was cancelled).');
    }
    const count = await checkedInCount(trx, eventId);
    const data: CheckinRecordedV1 = {
      registrationId: row.id,
      eventId,
      userId: row.user_id,
      checkedInBy: actor.id,
      checkedInAt: new Date(row.checked_in_at!).toISOString(),
      checkedIn: count,
    };
    await deps.outbox.add(trx, { type: MessageType.CheckinRecorded, subject: row.id, data });
    await recordAudit(deps.outbox, trx, { actorId: actor.id, action: 'checkin.recorded', targetId: row.id, outcome: 'success', origin });
    return { registrationId: row.id, userId: row.user_id, checkedInAt: data.checkedInAt, checkedInBy: actor.id, checkedIn: count };
  });
}
