import {
  AppError,
  ErrorCode,
  requestContext,
  type AuthUser,
  type Cache,
  type Limiter,
  type Outbox,
  type RequestOrigin,
} from '@secureevent/shared';
import { foldAccessCode } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { getEventForRegistration } from '../events/read-events.js';
import { validateAnswers, type Answers } from './answers.js';
import { registrationIdempotency, registrationScope } from './idempotency.js';
import { typesOpenedBy } from './access-code.js';
import { accessCodesRepository, toAccessCodeState } from './access-codes.repository.js';
import { createBatchedRegistration, type Registered } from './registration-batch.js';
import { assertRegistrationOpen, chooseTicketType } from './registration.js';
import type { TicketSigner } from './tickets.js';

// bench/registration-rush loads the seat claim from this module's build.
export { createBatchedRegistration, registerBatch, type PendingRegistration, type Registered } from './registration-batch.js';

/** What registration use cases need. */
export interface RegistrationDeps {
  db: Kysely<EventsDb>;
  outbox: Outbox;
  cache: Cache;
  tickets: TicketSigner;
  /** Attempts with an access code per user (brute-force guard); absent: unlimited (benches). */
  codeAttempts?: Limiter | undefined;
}

export interface Registrar {
  register(
    actor: AuthUser,
    eventId: string,
    rawAnswers: Answers,
    options?: {
      ticketTypeId?: string | undefined;
      accessCode?: string | undefined;
      idempotencyKey?: string | undefined;
      invite?: string | undefined;
      origin?: RequestOrigin | undefined;
    },
  ): Promise<Registered>;
}

/**
 * Registers the caller for an event with one of its ticket types: confirmed with a ticket while
 * both the type and the event have seats and nobody waits for the type, else waitlisted with a
 * place in the type's queue. Each request is handled on its own first: a replayed Idempotency-Key
 * answers what it answered before; the event must be visible to the caller (404) and open for
 * registration; an access code must be valid (`typesOpenedBy`; each try spends one of the user's
 * attempts, given back when the code is valid, so guessing is limited); the ticket type must be
 * one they may choose (`chooseTicketType`, the code's types included); the answers must fit its
 * questions. The seat claims then go through
 * a per-event group commit (`registration-batch.ts`, ADR 0009), where the database decides.
 */
export function createRegistrar(deps: RegistrationDeps): Registrar {
  const batcher = createBatchedRegistration(deps);
  const idempotency = registrationIdempotency(deps.db);
  const codes = accessCodesRepository(deps.db);
  /** The code's id and the types it opens; refused codes keep the attempt counted. */
  const screenCode = async (userId: string, eventId: string, text: string) => {
    const key = userId;
    if (deps.codeAttempts) {
      const state = await deps.codeAttempts.hit(key);
      if (state.blocked) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'Too many access code attempts. Wait before trying again.', {
          headers: { 'retry-after': String(state.retryAfterSeconds) },
          retryAfterSeconds: state.retryAfterSeconds,
        });
      }
    }
    const row = await codes.findByCode(eventId, foldAccessCode(text));
    const opens = typesOpenedBy(row ? toAccessCodeState(row) : undefined);
    await deps.codeAttempts?.refund(key).catch(() => undefined);
    return { id: row!.id, opens };
  };
  return {
    async register(actor, eventId, rawAnswers, options = {}) {
      const { ticketTypeId, accessCode, idempotencyKey, invite, origin } = options;
      if (idempotencyKey) {
        const replayed = await idempotency.replay(actor.id, idempotencyKey, registrationScope(eventId));
        if (replayed) return { created: false, registration: replayed };
      }
      const event = await getEventForRegistration(deps, actor, eventId, invite);
      assertRegistrationOpen(event);
      const code = accessCode === undefined ? undefined : await screenCode(actor.id, eventId, accessCode);
      const type = chooseTicketType(event.ticketTypes, ticketTypeId, code ? { unlocked: code.opens } : {});
      if (code && !code.opens.has(type.id)) {
        throw new AppError(ErrorCode.FORBIDDEN, 'That access code does not open this ticket type.', {
          errors: [{ field: 'body.accessCode', message: 'does not open this ticket type' }],
        });
      }
      const answers = validateAnswers(event.questions, rawAnswers);
      return batcher.submit(eventId, {
        userId: actor.id,
        ticketTypeId: type.id,
        answers,
        idempotencyKey,
        traceparent: requestContext.getStore()?.traceparent,
        origin,
        accessCodeId: code?.id,
      });
    },
  };
}
