import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccessCodeDto } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import type { AccessCodeState } from './access-code.js';

export type AccessCodeRow = Selectable<EventsDb['access_codes']>;

export const toAccessCodeDto = (row: AccessCodeRow): AccessCodeDto => ({
  id: row.id,
  eventId: row.event_id,
  code: row.code,
  ticketTypeIds: row.ticket_type_ids,
  maxUses: row.max_uses,
  uses: row.uses,
  validUntil: row.valid_until ? new Date(row.valid_until).toISOString() : null,
  createdAt: new Date(row.created_at).toISOString(),
});

export const toAccessCodeState = (row: AccessCodeRow): AccessCodeState => ({
  id: row.id,
  ticketTypeIds: row.ticket_type_ids,
  maxUses: row.max_uses,
  uses: row.uses,
  validUntil: row.valid_until ? new Date(row.valid_until) : null,
  deleted: row.deleted_at !== null,
});

/** SQL for access codes; returns plain rows. `code` is compared as stored: upper-case (the caller folds it). */
export function accessCodesRepository(db: Kysely<EventsDb>) {
  return {
    async insert(code: Omit<AccessCodeRow, 'uses' | 'created_at' | 'deleted_at'>): Promise<AccessCodeRow> {
      return db.insertInto('access_codes').values(code).returningAll().executeTakeFirstOrThrow();
    },

    /** The event's codes that are not deleted, newest first. */
    async listOf(eventId: string): Promise<AccessCodeRow[]> {
      return db
        .selectFrom('access_codes')
        .selectAll()
        .where('event_id', '=', eventId)
        .where('deleted_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
    },

    /** The event's live code with this (folded) text. */
    async findByCode(eventId: string, code: string): Promise<AccessCodeRow | undefined> {
      return db
        .selectFrom('access_codes')
        .selectAll()
        .where('event_id', '=', eventId)
        .where('code', '=', code)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
    },

    /** Deletes a code (keeps the row: registrations name it); false when it was not a live code of the event. */
    async markDeleted(eventId: string, id: string): Promise<AccessCodeRow | undefined> {
      return db
        .updateTable('access_codes')
        .set({ deleted_at: new Date() })
        .where('id', '=', id)
        .where('event_id', '=', eventId)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * Reads these codes under their row locks. Called in the seat claim's transaction after the
     * event row lock, like the ticket types' rows, so the order of locks is always the same.
     */
    async lock(eventId: string, ids: readonly string[]): Promise<AccessCodeRow[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('access_codes')
        .selectAll()
        .where('event_id', '=', eventId)
        .where('id', 'in', [...ids])
        .orderBy('id')
        .forUpdate()
        .execute();
    },

    /** Counts uses (decided under the lock by `allotCodeUses`); the CHECK refuses any count past `max_uses`. */
    async addUses(added: ReadonlyMap<string, number>): Promise<void> {
      if (added.size === 0) return;
      const values = sql.join([...added].map(([id, n]) => sql`(${id}::text, ${n}::int)`));
      await sql`
        update events.access_codes c set uses = c.uses + d.n
          from (values ${values}) as d(id, n)
         where c.id = d.id`.execute(db);
    },
  };
}
