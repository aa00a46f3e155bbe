import { sql, type Kysely } from 'kysely';
import type { UsersDb } from '../db/schema.js';

/** Someone who may organize: id and name only. */
export interface OrganizerRow {
  id: string;
  displayName: string;
}

/** LIKE wildcards typed by the searcher are matched literally. */
const literal = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL for the people directory; returns plain objects. */
export function directoryRepository(db: Kysely<UsersDb>) {
  // People who may organize: an organizing role, and not disabled.
  const organizers = () =>
    db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where(sql<boolean>`roles && array['organizer', 'admin']::text[]`)
      .where('disabled_at', 'is', null);
  const toRow = (r: { id: string; display_name: string }): OrganizerRow => ({ id: r.id, displayName: r.display_name });
  return {
    /** Organizers whose name has a word starting with `prefix`, or whose email starts with it; by name. */
    async search(prefix: string, limit: number): Promise<OrganizerRow[]> {
      const p = literal(prefix);
      const rows = await organizers()
        .where((eb) => eb.or([eb('display_name', 'ilike', `${p}%`), eb('display_name', 'ilike', `% ${p}%`), eb('email', 'ilike', `${p}%`)]))
        .orderBy('display_name')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },

    /** Those of `ids` who may organize. */
    async byIds(ids: readonly string[]): Promise<OrganizerRow[]> {
      if (ids.length === 0) return [];
      const rows = await organizers()
        .where('id', 'in', [...ids])
        .orderBy('display_name')
        .execute();
      return rows.map(toRow);
    },
  };
}
