import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Short ticket codes: 8 characters of Crockford base32 (no I, L, O, U), unique per event, for the
 * door to type when a QR code will not scan. The database makes them, in a trigger, so every path
 * that inserts a registration gets one and no ticket is ever without; existing registrations are
 * backfilled here. 40 random bits from `gen_random_uuid()` (a strong source in PostgreSQL and
 * PGlite alike): guessing one of 5,000 codes of an event takes 2^40 / 5,000 tries.
 */
export const ticketCodes: Migration = {
  async up(db: Kysely<unknown>) {
    // Raw SQL is not rewritten into the service schema, so it names `events.` itself.
    await sql`
      create function events.new_ticket_code(event text) returns text language plpgsql volatile as $$
      declare
        alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
        bytes bytea;
        code text;
      begin
        loop
          bytes := decode(replace(gen_random_uuid()::text, '-', ''), 'hex');
          code := '';
          -- 256 is a multiple of 32: each byte mod 32 is an unbiased character.
          for i in 0..7 loop
            code := code || substr(alphabet, (get_byte(bytes, i) % 32) + 1, 1);
          end loop;
          exit when not exists (select 1 from events.registrations r where r.event_id = event and r.ticket_code = code);
        end loop;
        return code;
      end $$`.execute(db);
    await db.schema.alterTable('registrations').addColumn('ticket_code', 'text').execute();
    // One row at a time, so that each new code sees the ones given before it.
    await sql`
      do $$
      declare r record;
      begin
        for r in select id, event_id from events.registrations where ticket_code is null loop
          update events.registrations set ticket_code = events.new_ticket_code(r.event_id) where id = r.id;
        end loop;
      end $$`.execute(db);
    await sql`
      create function events.give_ticket_code() returns trigger language plpgsql as $$
      begin
        if new.ticket_code is null then
          new.ticket_code := events.new_ticket_code(new.event_id);
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger registrations_ticket_code before insert on events.registrations
      for each row execute function events.give_ticket_code()`.execute(db);
    await db.schema
      .alterTable('registrations')
      .alterColumn('ticket_code', (c) => c.setNotNull())
      .execute();
    // Uniqueness per event is the database's promise (two inserts racing for the same new code, at
    // odds of one in 10^12, fail one of them rather than share a code); also the look-up index.
    await db.schema.createIndex('registrations_ticket_code').unique().on('registrations').columns(['event_id', 'ticket_code']).execute();
  },
};
