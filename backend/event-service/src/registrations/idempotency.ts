import { AppError, ErrorCode } from '@secureevent/shared';
import type { Transaction, Kysely } from 'kysely';
import type { RegistrationDto } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { idempotencyKeysRepository } from './idempotency-keys.repository.js';

/** The scope a registration's Idempotency-Key is bound to: one key, one event. */
export const registrationScope = (eventId: string) => `register:${eventId}`;

/**
 * Idempotency-Keys for registrations. A request with a key is looked up once, before anything
 * else: a replay answers the stored registration (whatever happened to the event since), a key
 * already used for another request is a CONFLICT. Keys are stored in the transaction that makes
 * the registration. Two requests with one key that race past the lookup together are caught by
 * the registration itself: one live registration per person and event, so the second answers the
 * first one's registration.
 */
export function registrationIdempotency(db: Kysely<EventsDb>) {
  return {
    /** The registration a key already answered for `scope`, undefined when the key is new; CONFLICT when it was used elsewhere. */
    async replay(userId: string, key: string, scope: string): Promise<RegistrationDto | undefined> {
      const seen = await idempotencyKeysRepository(db).find(userId, key);
      if (!seen) return undefined;
      if (seen.scope !== scope) throw new AppError(ErrorCode.CONFLICT, 'This Idempotency-Key was already used for a different request.');
      return seen.body as RegistrationDto;
    },

    /** Remembers new registrations under their keys, inside the registering transaction. */
    async remember(
      trx: Transaction<EventsDb>,
      entries: readonly { userId: string; key: string; scope: string; registration: RegistrationDto }[],
    ) {
      await idempotencyKeysRepository(trx).saveAll(
        entries.map((e) => ({ userId: e.userId, key: e.key, scope: e.scope, status: 201, body: e.registration })),
      );
    },
  };
}
