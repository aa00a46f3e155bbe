import { sql, type Kysely } from 'kysely';

/** The cheapest statement that proves the database answers (readiness). */
export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
