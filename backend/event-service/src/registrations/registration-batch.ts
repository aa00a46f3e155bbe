import {
  AppError,
  createKeyedBatcher,
  ErrorCode,
  histogram,
  isConnectionError,
  type BatchOutcome,
  type Cache,
  type Outbox,
  type RequestOrigin,
} from '@secureevent/shared';
import { MessageType, type RegistrationDto } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { eventKey } from '../events/event-cache.js';
import { registrationIdempotency, registrationScope } from './idempotency.js';
import { allotCodeUses, usedUp } from './access-code.js';
import { accessCodesRepository, toAccessCodeState } from './access-codes.repository.js';
import { eventNoLongerOpen, initialStatus, statusChange, ticketTypeGone } from './registration.js';
import {
  availabilityMessage,
  madeAs,
  originOrNone,
  pendingMessage,
  registrationAuditMessages,
  registrationMessage,
} from './registration-messages.js';
import { presentRegistration } from './registration-view.js';
import { registrationsRepository, toRegistrationDto } from './registrations.repository.js';
import { seatsRepository } from './seats.repository.js';
import { claimTypedSeats } from './seats.js';
import type { Answers } from './answers.js';
import type { TicketSigner } from './tickets.js';

/** What the seat claim needs. */
export interface SeatClaimDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  cache: Cache;
  tickets: TicketSigner;
}

/** The outcome of registering: `created` is false when an existing registration (or a replay) answers. */
export interface Registered {
  created: boolean;
  registration: RegistrationDto;
}

/** One registration waiting for its event's next batch; already checked against the event. */
export interface PendingRegistration {
  userId: string;
  /** One of the event's ticket types, chosen when the request was screened. */
  ticketTypeId: string;
  answers: Answers;
  idempotencyKey: string | undefined;
  traceparent: string | undefined;
  /** Where the request came from, for its audit record (absent: none recorded). */
  origin?: RequestOrigin | undefined;
  /** The access code it came with (screened as opening its type); one use is counted in the batch. */
  accessCodeId?: string | undefined;
}

/** Registrations of one event claimed in one transaction at most (see ADR 0009). */
const MAX_BATCH = 256;
/** How many registrations each group commit carried (bench/registration-rush reads it). */
const batchSize = histogram(
  'secureevent_registration_batch_size',
  'Registrations handled per group-commit transaction of one event',
  [],
  [1, 2, 4, 8, 16, 32, 64, 128, 256],
);
/** A batch that lost a same-person race to another replica is retried this often. */
const MAX_ATTEMPTS = 3;

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';
/** SQLSTATE class 22: the database refused a value (e.g. U+0000 or a lone surrogate in JSONB). */
const isDataException = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
};

/**
 * The seat claim as group commit: `submit(eventId, pending)` joins that event's next batch
 * (`createKeyedBatcher` from `backend/shared`: one run per event at a time, later arrivals share
 * the next, a failing run is split until only the culprit fails). Exported for
 * bench/registration-rush, whose ceiling drives exactly this code straight from Node.
 */
export function createBatchedRegistration(deps: SeatClaimDeps) {
  return createKeyedBatcher<PendingRegistration, Registered>({
    maxBatch: MAX_BATCH,
    run: (eventId, items) => registerBatch(deps, eventId, items),
    // One request's bad data fails its batch's transaction: the batcher retries the others in
    // halves, so only that request fails. A lost database would fail every half alike.
    isolates: (err) => !isConnectionError(err),
  });
}

/** Registers a batch of people for one event; one outcome per item, in order. */
export async function registerBatch(
  deps: SeatClaimDeps,
  eventId: string,
  items: readonly PendingRegistration[],
): Promise<BatchOutcome<Registered>[]> {
  batchSize.observe(items.length);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await tryRegisterBatch(deps, eventId, items);
    } catch (err) {
      // The same person registered through another replica between our check and our INSERT:
      // run the batch again; the check now finds them.
      if (isUniqueViolation(err) && attempt < MAX_ATTEMPTS) continue;
      // Alone in its run, a value the database cannot store is this request's own fault.
      if (items.length === 1 && isDataException(err)) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some answers contain characters that cannot be stored.', {
          errors: [{ field: 'body.answers', message: 'contains characters that cannot be stored' }],
        });
      }
      throw err;
    }
  }
}

/**
 * One transaction for the batch: the event row lock and its ticket types' locks, the locks of the
 * access codes the batch uses (`allotCodeUses`: a registration whose code is used up meanwhile is
 * refused, CONFLICT, and the others go on), the seat
 * arithmetic (`claimTypedSeats`: a seat only where both the type's quota and the event's capacity
 * allow it) on the locked counters, the counter UPDATEs, one INSERT of the registrations, one
 * outbox INSERT (their messages, the availability and their audit records), one INSERT of
 * Idempotency-Keys, one WAL flush. The batch keeps the arrival order, so each type's waitlist
 * stays strictly first come first served. In approval mode no seat is claimed: every newcomer is
 * pending and the organizers are told (`registration.pending.v1`).
 */
async function tryRegisterBatch(
  deps: SeatClaimDeps,
  eventId: string,
  items: readonly PendingRegistration[],
): Promise<BatchOutcome<Registered>[]> {
  // The same person twice in one batch: the later requests get the first one's registration.
  const firstIndexOf = new Map<string, number>();
  items.forEach((item, i) => {
    if (!firstIndexOf.has(item.userId)) firstIndexOf.set(item.userId, i);
  });
  const existing = new Map((await registrationsRepository(deps.db).findLive(eventId, [...firstIndexOf.keys()])).map((r) => [r.user_id, r]));
  const fresh = [...firstIndexOf.values()].map((i) => items[i]!).filter((item) => !existing.has(item.userId));

  const created = new Map<string, RegistrationDto>();
  const refused = new Map<string, unknown>();
  if (fresh.length > 0) {
    const dtos = await deps.db.transaction().execute(async (trx) => {
      const seats = seatsRepository(trx);
      const locked = await seats.lock(eventId);
      if (!locked || locked.status !== 'published') throw eventNoLongerOpen();
      if (fresh.some((item) => !locked.ticketTypes.some((t) => t.id === item.ticketTypeId))) throw ticketTypeGone();
      // Access codes' uses are counted on their locked rows, taken after the event's lock (as
      // every seat change does), so a burst on one code is serialised and never passes maxUses.
      const codes = accessCodesRepository(trx);
      const codeIds = [...new Set(fresh.flatMap((item) => (item.accessCodeId ? [item.accessCodeId] : [])))];
      const allotted = allotCodeUses(
        (await codes.lock(eventId, codeIds)).map(toAccessCodeState),
        fresh.map((item) => item.accessCodeId),
      );
      const going = fresh.filter((item, i) => {
        if (!allotted.admitted[i]) refused.set(item.userId, usedUp());
        return allotted.admitted[i];
      });
      if (going.length === 0) return [];
      await codes.addUses(allotted.added);

      // In approval mode nobody claims a seat yet: the registrations wait, pending, for an organizer.
      const approval = locked.registrationMode === 'approval';
      const claim = approval
        ? undefined
        : claimTypedSeats(
            locked,
            locked.ticketTypes,
            going.map((item) => item.ticketTypeId),
          );
      const after = claim
        ? await seats.adjust(eventId, {
            confirmed: claim.event.confirmed - locked.confirmed,
            waitlisted: claim.event.waitlisted - locked.waitlisted,
            types: claim.types.map((t, i) => ({
              id: t.id,
              confirmed: t.confirmed - locked.ticketTypes[i]!.confirmed,
              waitlisted: t.waitlisted - locked.ticketTypes[i]!.waitlisted,
            })),
          })
        : locked;
      const statusAt = (i: number) => initialStatus(locked.registrationMode, claim?.outcomes[i]!.confirmed ?? false);
      const inserted = await registrationsRepository(trx).insertMany(
        eventId,
        going.map((item, i) => ({
          userId: item.userId,
          ticketTypeId: item.ticketTypeId,
          answers: item.answers,
          status: statusAt(i),
          accessCodeId: item.accessCodeId,
        })),
      );
      const dtos = inserted.map((row, i) => {
        const outcome = claim?.outcomes[i];
        if (!outcome) return toRegistrationDto(row);
        return toRegistrationDto(
          row,
          outcome.confirmed ? { ticketToken: deps.tickets.sign(row.id, eventId) } : { waitlistPosition: outcome.waitlistPlace },
        );
      });
      const audits = await registrationAuditMessages(
        deps.outbox,
        trx,
        inserted.map((row, i) => ({
          action: madeAs(statusAt(i)),
          actorId: row.user_id,
          registrationId: row.id,
          changes: statusChange(null, row.status),
          origin: originOrNone(going[i]!.origin),
        })),
      );
      await deps.outbox.add(
        trx,
        ...inserted.map((row, i) => {
          const status = statusAt(i);
          const message =
            status === 'pending'
              ? pendingMessage(row, locked)
              : registrationMessage(
                  status === 'confirmed' ? MessageType.RegistrationConfirmed : MessageType.RegistrationWaitlisted,
                  row,
                  after,
                  dtos[i]!.waitlistPosition,
                );
          return { ...message, traceparent: going[i]!.traceparent };
        }),
        // Pending registrations change no counter: nothing to push.
        ...(approval ? [] : [availabilityMessage(after)]),
        ...audits,
      );
      await registrationIdempotency(trx).remember(
        trx,
        going.flatMap((item, i) =>
          item.idempotencyKey
            ? [{ userId: item.userId, key: item.idempotencyKey, scope: registrationScope(eventId), registration: dtos[i]! }]
            : [],
        ),
      );
      return dtos;
    });
    for (const dto of dtos) created.set(dto.userId, dto);
    // The batch is committed: a cache outage must not turn everyone's success into an error. The
    // cached copy then ages out (EVENT_CACHE_TTL_SECONDS).
    if (dtos.length > 0) await deps.cache.delete(eventKey(eventId)).catch(() => undefined);
  }

  const presented = new Map<string, RegistrationDto>();
  for (const [userId, row] of existing) presented.set(userId, await presentRegistration(deps, row));
  return items.map((item, i) => {
    const isFirst = firstIndexOf.get(item.userId) === i;
    const mine = created.get(item.userId);
    if (mine) return { ok: true, value: { created: isFirst, registration: mine } };
    if (refused.has(item.userId)) return { ok: false, error: refused.get(item.userId) };
    return { ok: true, value: { created: false, registration: presented.get(item.userId)! } };
  });
}
