import { AppError, ErrorCode, type AuthUser, type Cache, type Outbox, type RequestOrigin } from '@secureevent/shared';
import { canManageEvent, MessageType, type BulkDecisionResult, type RegistrationDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { eventKey } from '../events/event-cache.js';
import { assertCanManage } from '../events/event-access.js';
import { assertPending, statusChange } from './registration.js';
import { availabilityMessage, registrationAuditMessages, registrationMessage, rejectedMessage } from './registration-messages.js';
import { registrationsRepository, toRegistrationDto, type RegistrationRow } from './registrations.repository.js';
import { seatsRepository } from './seats.repository.js';
import { claimTypedSeats } from './seats.js';

type Deps = { db: Kysely<EventsDb>; outbox: Outbox; cache: Cache };

/** An organizer's decision on pending registrations. */
export type Decision = { kind: 'approve' } | { kind: 'reject'; reason: string | null };

const noSuchRegistration = () => new AppError(ErrorCode.NOT_FOUND, 'No such registration.');
const failure = (id: string, err: unknown): BulkDecisionResult => {
  if (!(err instanceof AppError)) throw err;
  return { id, ok: false, error: { code: err.code, detail: err.detail } };
};

/**
 * Approves or rejects registrations of one event, in the order given, in one transaction under the
 * event row lock that every seat change takes first (ADR 0009). Each id is decided on its own:
 * one that is not the event's is NOT_FOUND, one that is not pending (confirmed, waitlisted,
 * cancelled, rejected) is INVALID_STATE_TRANSITION, and those stay as they were. Approving runs the
 * seat claim of a registration (`claimTypedSeats` on the locked counters, in the order given):
 * confirmed while its type and the event have a seat and nobody waits for its type, else
 * waitlisted; the CHECK constraints stay the last word, so concurrent approvals never oversell.
 * The attendee is told by `registration.confirmed.v1` / `waitlisted.v1` or `registration.rejected.v1`;
 * each decision is audited; an approval pushes the new availability.
 */
async function decide(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  ids: readonly string[],
  decision: Decision,
  origin: RequestOrigin,
): Promise<BulkDecisionResult[]> {
  const results = await deps.db.transaction().execute(async (trx) => {
    const seats = seatsRepository(trx);
    const registrations = registrationsRepository(trx);
    const ledger = await seats.lock(eventId);
    if (!ledger) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
    if (decision.kind === 'approve' && ledger.status !== 'published') {
      throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `Registrations of a ${ledger.status} event cannot be approved.`);
    }
    const rows = new Map((await registrations.lockOfEvent(eventId, ids)).map((r) => [r.id, r]));
    const outcome = new Map<string, BulkDecisionResult>();
    const chosen: RegistrationRow[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      try {
        if (!row) throw noSuchRegistration();
        assertPending(row.status, decision.kind);
        chosen.push(row);
      } catch (err) {
        outcome.set(id, failure(id, err));
      }
    }
    if (chosen.length === 0) return ids.map((id) => outcome.get(id)!);

    let decided: RegistrationDto[];
    if (decision.kind === 'approve') {
      const claim = claimTypedSeats(
        ledger,
        ledger.ticketTypes,
        chosen.map((r) => r.ticket_type_id),
      );
      const after = await seats.adjust(eventId, {
        confirmed: claim.event.confirmed - ledger.confirmed,
        waitlisted: claim.event.waitlisted - ledger.waitlisted,
        types: claim.types.map((t, i) => ({
          id: t.id,
          confirmed: t.confirmed - ledger.ticketTypes[i]!.confirmed,
          waitlisted: t.waitlisted - ledger.ticketTypes[i]!.waitlisted,
        })),
      });
      const statusOf = (i: number) => (claim.outcomes[i]!.confirmed ? ('confirmed' as const) : ('waitlisted' as const));
      const approved = await registrations.markApproved(
        chosen.map((r, i) => ({ id: r.id, status: statusOf(i) })),
        actor.id,
      );
      decided = approved.map((row, i) => {
        const o = claim.outcomes[i]!;
        return toRegistrationDto(row, o.confirmed ? {} : { waitlistPosition: o.waitlistPlace });
      });
      const audits = await registrationAuditMessages(
        deps.outbox,
        trx,
        approved.map((row) => ({
          action: 'registration.approved' as const,
          actorId: actor.id,
          registrationId: row.id,
          changes: statusChange('pending', row.status),
          origin,
        })),
      );
      await deps.outbox.add(
        trx,
        ...approved.map((row, i) =>
          registrationMessage(
            row.status === 'confirmed' ? MessageType.RegistrationConfirmed : MessageType.RegistrationWaitlisted,
            row,
            after,
            decided[i]!.waitlistPosition,
          ),
        ),
        availabilityMessage(after),
        ...audits,
      );
    } else {
      const rejected = await registrations.markRejected(
        chosen.map((r) => r.id),
        decision.reason,
        actor.id,
      );
      decided = rejected.map((row) => toRegistrationDto(row));
      const audits = await registrationAuditMessages(
        deps.outbox,
        trx,
        rejected.map((row) => ({
          action: 'registration.rejected' as const,
          actorId: actor.id,
          registrationId: row.id,
          changes: statusChange('pending', 'rejected'),
          origin,
        })),
      );
      await deps.outbox.add(trx, ...rejected.map((row) => rejectedMessage(row, ledger)), ...audits);
    }
    for (const dto of decided) outcome.set(dto.id, { id: dto.id, ok: true, registration: dto });
    return ids.map((id) => outcome.get(id)!);
  });
  if (decision.kind === 'approve' && results.some((r) => r.ok)) await deps.cache.delete(eventKey(eventId)).catch(() => undefined);
  return results;
}

/** Bulk approve or reject (at most 500 ids, checked by the contract) for the event's managers; one result per id, in order. */
export async function decideRegistrations(
  deps: Deps,
  actor: AuthUser,
  eventId: string,
  ids: readonly string[],
  decision: Decision,
  origin: RequestOrigin,
): Promise<BulkDecisionResult[]> {
  await assertCanManage(deps, eventId, actor, origin);
  return decide(deps, actor, eventId, ids, decision, origin);
}

/**
 * Approves or rejects one registration (the event's managers). Anyone else gets NOT_FOUND, as
 * for a registration that does not exist; a registration that is not pending is
 * INVALID_STATE_TRANSITION (409) and stays as it was.
 */
export async function decideRegistration(
  deps: Deps,
  actor: AuthUser,
  registrationId: string,
  decision: Decision,
  origin: RequestOrigin,
): Promise<RegistrationDto> {
  const found = await registrationsRepository(deps.db).findById(registrationId);
  if (!found) throw noSuchRegistration();
  const ledger = await seatsRepository(deps.db).read(found.event_id);
  if (!ledger || !canManageEvent(ledger, actor)) throw noSuchRegistration();
  const [result] = await decide(deps, actor, found.event_id, [registrationId], decision, origin);
  if (!result!.ok) {
    const { code, detail } = result!.error!;
    throw new AppError(code as ErrorCode, detail);
  }
  return result!.registration!;
}
