import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Access codes (issue 14): an organizer's code opens hidden or code-only ticket types. `uses` is
 * counted in the seat claim's transaction, under the event row lock every seat change takes, and
 * the CHECK refuses any count past `max_uses` even for a bug. Codes are kept upper-case, so they
 * compare case-insensitively; a deleted code keeps its row (registrations name it) but frees its text.
 */
export const accessCodes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('access_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
      .addColumn('code', 'text', (c) => c.notNull().check(sql`code = upper(code)`))
      .addColumn('ticket_type_ids', sql`text[]`, (c) => c.notNull())
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('valid_until', 'timestamptz(3)')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz(3)', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('deleted_at', 'timestamptz(3)')
      .addCheckConstraint('access_codes_never_overused', sql`uses >= 0 and (max_uses is null or uses <= max_uses)`)
      .execute();
    await db.schema
      .createIndex('access_codes_one_per_event')
      .unique()
      .on('access_codes')
      .columns(['event_id', 'code'])
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
    await db.schema.alterTable('registrations').addColumn('access_code_id', 'text').execute();
  },
};
