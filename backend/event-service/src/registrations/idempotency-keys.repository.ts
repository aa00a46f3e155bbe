import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';

/** A stored answer to a request made with an Idempotency-Key. */
export interface StoredResponse {
  scope: string;
  status: number;
  body: unknown;
}

/** SQL for Idempotency-Keys; returns plain objects. */
export function idempotencyKeysRepository(db: Kysely<EventsDb>) {
  return {
    async find(userId: string, key: string): Promise<StoredResponse | undefined> {
      return db
        .selectFrom('idempotency_keys')
        .select(['scope', 'status', 'body'])
        .where('user_id', '=', userId)
        .where('key', '=', key)
        .executeTakeFirst();
    },

    /**
     * Stores answers in one statement. A key another request stored a moment ago stays theirs (no
     * unique violation that would fail the caller's transaction).
     */
    async saveAll(entries: readonly ({ userId: string; key: string } & StoredResponse)[]): Promise<void> {
      if (entries.length === 0) return;
      await db
        .insertInto('idempotency_keys')
        .values(entries.map((e) => ({ user_id: e.userId, key: e.key, scope: e.scope, status: e.status, body: JSON.stringify(e.body) })))
        .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
        .execute();
    },
  };
}
