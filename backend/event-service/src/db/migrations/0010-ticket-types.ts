import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Ticket types with their own quotas (issue 14). Each type keeps its counters in step with its
 * registrations, like the event row does for the whole event (ADR 0009), and a CHECK makes
 * overselling a type impossible even for a bug. The event's `capacity` stays the enforced overall
 * limit (the smaller of the organizer's `overall_capacity` and the sum of the types'), so the
 * event row's CHECK keeps guarding the total. Every existing event gets one "General admission"
 * type holding its capacity, counters and registrations, so nothing changes for it.
 */
export const ticketTypes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ticket_types')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('hidden', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('access_code_required', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('sales_start', 'timestamptz(3)')
      .addColumn('sales_end', 'timestamptz(3)')
      .addColumn('confirmed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('waitlisted_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addCheckConstraint(
        'ticket_types_never_oversold',
        sql`confirmed_count >= 0 and confirmed_count <= capacity and waitlisted_count >= 0`,
      )
      .execute();
    await db.schema.createIndex('ticket_types_by_event').on('ticket_types').columns(['event_id', 'position']).execute();
    // Null: no overall limit beyond the types' own.
    await db.schema.alterTable('events').addColumn('overall_capacity', 'integer').execute();
    await db.schema.alterTable('registrations').addColumn('ticket_type_id', 'text').execute();
    // Raw SQL is not rewritten into the service schema, so it names `events.` itself. The id is
    // 'tkt_' and 25 characters of [0-9a-z] like every id; md5 of the event id is enough for rows
    // that predate this migration (the application makes new ones from random bytes).
    await sql`
      insert into events.ticket_types (id, event_id, position, name, capacity, confirmed_count, waitlisted_count)
      select 'tkt_' || substr(md5('ticket-type:' || id), 1, 25), id, 0, 'General admission', capacity, confirmed_count, waitlisted_count
        from events.events`.execute(db);
    await sql`
      update events.registrations r set ticket_type_id = t.id from events.ticket_types t where t.event_id = r.event_id`.execute(db);
    await db.schema
      .alterTable('registrations')
      .alterColumn('ticket_type_id', (c) => c.setNotNull())
      .execute();
    await sql`alter table events.registrations add constraint registrations_ticket_type_fk foreign key (ticket_type_id) references events.ticket_types (id)`.execute(
      db,
    );
    // Each type's waitlist is its own queue, in the service-wide sequence order.
    await db.schema
      .createIndex('registrations_type_waitlist')
      .on('registrations')
      .columns(['ticket_type_id', 'waitlist_seq'])
      .where(sql.ref('status'), '=', 'waitlisted')
      .execute();
  },
};
