import { requestContext, type AuthUser, type Cache, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { getEventForRegistration } from '../events/read-events.js';
import { validateAnswers, type Answers } from './answers.js';
import { registrationIdempotency, registrationScope } from './idempotency.js';
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
}

export interface Registrar {
  register(
    actor: AuthUser,
    eventId: string,
    rawAnswers: Answers,
    options?: {
      ticketTypeId?: string | undefined;
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
 * registration; the ticket type must be one they may choose (`chooseTicketType`); the answers
 * must fit its questions. The seat claims then go through
 * a per-event group commit (`registration-batch.ts`, ADR 0009), where the database decides.
 */
export function createRegistrar(deps: RegistrationDeps): Registrar {
  const batcher = createBatchedRegistration(deps);
  const idempotency = registrationIdempotency(deps.db);
  return {
    async register(actor, eventId, rawAnswers, options = {}) {
      const { ticketTypeId, idempotencyKey, invite, origin } = options;
      if (idempotencyKey) {
        const replayed = await idempotency.replay(actor.id, idempotencyKey, registrationScope(eventId));
        if (replayed) return { created: false, registration: replayed };
      }
      const event = await getEventForRegistration(deps, actor, eventId, invite);
      assertRegistrationOpen(event);
      const type = chooseTicketType(event.ticketTypes, ticketTypeId);
      const answers = validateAnswers(event.questions, rawAnswers);
      return batcher.submit(eventId, {
        userId: actor.id,
        ticketTypeId: type.id,
        answers,
        idempotencyKey,
        traceparent: requestContext.getStore()?.traceparent,
        origin,
      });
    },
  };
}
