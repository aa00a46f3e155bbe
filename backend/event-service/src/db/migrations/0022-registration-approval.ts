import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Approval mode (issue 14): an event takes registrations `open` (a seat at once) or by `approval`
 * (pending, holding no seat, until an organizer approves; then the seat claim runs as for anyone).
 * A declined registration is `rejected`, final like `cancelled`: neither counts as the person's
 * live registration, so they may ask again.
 */
export const registrationApproval: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('events')
      .addColumn('registration_mode', 'text', (c) =>
        c
          .notNull()
          .defaultTo('open')
          .check(sql`registration_mode in ('open','approval')`),
      )
      .execute();
    // Raw SQL is not rewritten into the service schema, so it names `events.` itself.
    await sql`alter table events.registrations drop constraint registrations_status_check`.execute(db);
    await sql`alter table events.registrations add constraint registrations_status_check
      check (status in ('confirmed','waitlisted','pending','rejected','cancelled'))`.execute(db);
    await db.schema
      .alterTable('registrations')
      .addColumn('rejection_reason', 'text')
      .addColumn('decided_at', 'timestamptz(3)')
      .addColumn('decided_by', 'text')
      .execute();
    // One live registration per person and event: a rejected one, like a cancelled one, is not live.
    await db.schema.dropIndex('registrations_one_live').execute();
    await db.schema
      .createIndex('registrations_one_live')
      .unique()
      .on('registrations')
      .columns(['event_id', 'user_id'])
      .where(sql.ref('status'), 'not in', sql`('cancelled','rejected')`)
      .execute();
    // The organizer's approval queue: the event's pending registrations, oldest first.
    await db.schema
      .createIndex('registrations_pending')
      .on('registrations')
      .columns(['event_id', 'created_at', 'id'])
      .where(sql.ref('status'), '=', 'pending')
      .execute();
  },
};
