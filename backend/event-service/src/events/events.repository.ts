import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { keysetPage } from '@secureevent/shared';
import type { EventDto, ListEventsQuery, TicketType } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { availabilityOf } from '../registrations/seats.js';
import { renderDescription } from './description.js';
import type { TicketTypePlan } from './ticket-types.js';

export type EventRow = Selectable<EventsDb['events']>;
export type TicketTypeRow = Selectable<EventsDb['ticket_types']>;

const toTicketType = (row: TicketTypeRow): TicketType => ({
  id: row.id,
  name: row.name,
  description: row.description,
  capacity: row.capacity,
  hidden: row.hidden,
  accessCodeRequired: row.access_code_required,
  salesStart: row.sales_start ? new Date(row.sales_start).toISOString() : null,
  salesEnd: row.sales_end ? new Date(row.sales_end).toISOString() : null,
});

/** Maps a row and its ticket type rows (in order) to the API shape. */
export function toEventDto(row: EventRow, types: readonly TicketTypeRow[]): EventDto {
  const counts = { capacity: row.capacity, confirmed: row.confirmed_count, waitlisted: row.waitlisted_count };
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    descriptionHtml: row.description_html,
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
    timeZone: row.time_zone,
    venue: row.venue,
    onlineUrl: row.online_url,
    capacity: row.capacity,
    overallCapacity: row.overall_capacity,
    ticketTypes: types.map(toTicketType),
    visibility: row.visibility,
    tags: row.tags,
    status: row.status,
    organizerIds: row.organizer_ids,
    createdAt: new Date(row.created_at).toISOString(),
    publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
    registrationOpensAt: row.registration_opens_at ? new Date(row.registration_opens_at).toISOString() : null,
    registrationClosesAt: row.registration_closes_at ? new Date(row.registration_closes_at).toISOString() : null,
    questions: row.questions,
    registrationMode: row.registration_mode,
    availability: availabilityOf(
      counts,
      types.map((t) => ({ id: t.id, capacity: t.capacity, confirmed: t.confirmed_count, waitlisted: t.waitlisted_count })),
    ),
  };
}

/** An event as a use case creates it, before the database derives the rest. */
export type NewEvent = Omit<EventDto, 'descriptionHtml' | 'availability' | 'createdAt' | 'publishedAt'>;

const typeColumns = (t: TicketType, position: number) => ({
  position,
  name: t.name,
  description: t.description,
  capacity: t.capacity,
  hidden: t.hidden,
  access_code_required: t.accessCodeRequired,
  sales_start: t.salesStart ? new Date(t.salesStart) : null,
  sales_end: t.salesEnd ? new Date(t.salesEnd) : null,
});

function toColumns(e: Partial<EventDto>) {
  return {
    ...(e.title !== undefined ? { title: e.title } : {}),
    // Rendered once when written, not on every read (reads include the locked registration path).
    ...(e.description !== undefined ? { description: e.description, description_html: renderDescription(e.description) } : {}),
    ...(e.startsAt !== undefined ? { starts_at: new Date(e.startsAt) } : {}),
    ...(e.endsAt !== undefined ? { ends_at: new Date(e.endsAt) } : {}),
    ...(e.timeZone !== undefined ? { time_zone: e.timeZone } : {}),
    ...(e.venue !== undefined ? { venue: e.venue } : {}),
    ...(e.onlineUrl !== undefined ? { online_url: e.onlineUrl } : {}),
    ...(e.capacity !== undefined ? { capacity: e.capacity } : {}),
    ...(e.overallCapacity !== undefined ? { overall_capacity: e.overallCapacity } : {}),
    ...(e.visibility !== undefined ? { visibility: e.visibility } : {}),
    ...(e.tags !== undefined ? { tags: e.tags } : {}),
    ...(e.registrationOpensAt !== undefined
      ? { registration_opens_at: e.registrationOpensAt ? new Date(e.registrationOpensAt) : null }
      : {}),
    ...(e.registrationClosesAt !== undefined
      ? { registration_closes_at: e.registrationClosesAt ? new Date(e.registrationClosesAt) : null }
      : {}),
    ...(e.questions !== undefined ? { questions: JSON.stringify(e.questions) as unknown as EventDto['questions'] } : {}),
    ...(e.registrationMode !== undefined ? { registration_mode: e.registrationMode } : {}),
  };
}

/**
 * Recomputes the full-text document. to_tsvector is set from SQL rather than a generated column
 * because array_to_string is not immutable, which generated columns and index expressions need.
 */
async function refreshSearch(db: Kysely<EventsDb>, id: string): Promise<void> {
  await db
    .updateTable('events')
    .set({ search: sql`to_tsvector('simple', title || ' ' || description || ' ' || array_to_string(tags, ' '))` })
    .where('id', '=', id)
    .execute();
}

/** SQL for events and their ticket types' definitions (the registrations feature keeps their counters); returns plain objects. */
export function eventsRepository(db: Kysely<EventsDb>) {
  const typesOf = async (eventIds: readonly string[]): Promise<Map<string, TicketTypeRow[]>> => {
    const byEvent = new Map<string, TicketTypeRow[]>(eventIds.map((id) => [id, []]));
    if (eventIds.length === 0) return byEvent;
    const rows = await db
      .selectFrom('ticket_types')
      .selectAll()
      .where('event_id', 'in', [...eventIds])
      .orderBy('event_id')
      .orderBy('position')
      .orderBy('id')
      .execute();
    for (const row of rows) byEvent.get(row.event_id)?.push(row);
    return byEvent;
  };
  const withTypes = async (rows: readonly EventRow[]): Promise<EventDto[]> => {
    const types = await typesOf(rows.map((r) => r.id));
    return rows.map((r) => toEventDto(r, types.get(r.id) ?? []));
  };
  const one = async (row: EventRow) => (await withTypes([row]))[0]!;

  return {
    /** Inserts a new event; what the database derives (rendered description, counts, dates) is not passed in. */
    async insert(event: NewEvent, createdBy: string): Promise<EventDto> {
      const row = await db
        .insertInto('events')
        .values({
          ...(toColumns(event) as Required<ReturnType<typeof toColumns>>),
          id: event.id,
          status: event.status,
          organizer_ids: event.organizerIds,
          created_by: createdBy,
          cancelled_at: null,
          published_at: null,
          invite_code: randomBytes(16).toString('base64url'),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await db
        .insertInto('ticket_types')
        .values(event.ticketTypes.map((t, i) => ({ id: t.id, event_id: event.id, ...typeColumns(t, i) })))
        .execute();
      await refreshSearch(db, row.id);
      return one(row);
    },

    async findById(id: string, opts: { forUpdate?: boolean } = {}): Promise<EventDto | undefined> {
      let q = db.selectFrom('events').selectAll().where('id', '=', id);
      if (opts.forUpdate) q = q.forUpdate();
      const row = await q.executeTakeFirst();
      return row ? one(row) : undefined;
    },

    /**
     * Writes an edit: the event's fields, and with `ticketTypes` its types as planned (removed ones
     * deleted, kept ones rewritten in their new order, new ones inserted) and its capacities. The
     * caller holds the event row lock and checked the plan against the counters; the CHECK
     * constraints refuse a quota below its confirmed count all the same.
     */
    async update(
      id: string,
      changes: Partial<Omit<EventDto, 'capacity' | 'ticketTypes'>>,
      ticketTypes?: TicketTypePlan,
    ): Promise<EventDto> {
      if (ticketTypes) {
        if (ticketTypes.removed.length > 0) await db.deleteFrom('ticket_types').where('id', 'in', ticketTypes.removed).execute();
        const existing = new Set((await db.selectFrom('ticket_types').select('id').where('event_id', '=', id).execute()).map((r) => r.id));
        for (const [i, t] of ticketTypes.types.entries()) {
          if (existing.has(t.id)) {
            await db.updateTable('ticket_types').set(typeColumns(t, i)).where('id', '=', t.id).where('event_id', '=', id).execute();
          } else {
            await db
              .insertInto('ticket_types')
              .values({ id: t.id, event_id: id, ...typeColumns(t, i) })
              .execute();
          }
        }
      }
      const row = await db
        .updateTable('events')
        .set({
          ...toColumns(changes),
          ...(ticketTypes ? { capacity: ticketTypes.capacity, overall_capacity: ticketTypes.overallCapacity } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (changes.title !== undefined || changes.description !== undefined || changes.tags !== undefined) await refreshSearch(db, id);
      return one(row);
    },

    /** Cancels the event; its registrations were released in the same transaction, so its counters drop to zero. */
    async markCancelled(id: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set({ status: 'cancelled', cancelled_at: new Date(), updated_at: new Date(), confirmed_count: 0, waitlisted_count: 0 })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return one(row);
    },

    async addOrganizer(id: string, userId: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set((eb) => ({ organizer_ids: eb.fn<string[]>('array_append', ['organizer_ids', eb.val(userId)]), updated_at: new Date() }))
        .where('id', '=', id)
        .where((eb) => eb.not(eb(eb.val(userId), '=', eb.fn.any('organizer_ids'))))
        .returningAll()
        .executeTakeFirst();
      return row ? one(row) : ((await this.findById(id)) as EventDto);
    },

    /** Takes `userId` off the event's organizers; undefined when they were not one of them. */
    async removeOrganizer(id: string, userId: string): Promise<EventDto | undefined> {
      const row = await db
        .updateTable('events')
        .set((eb) => ({ organizer_ids: eb.fn<string[]>('array_remove', ['organizer_ids', eb.val(userId)]), updated_at: new Date() }))
        .where('id', '=', id)
        .where((eb) => eb(eb.val(userId), '=', eb.fn.any('organizer_ids')))
        .returningAll()
        .executeTakeFirst();
      return row ? one(row) : undefined;
    },

    /**
     * What admits `userId` to a private event besides managing it: whether `code` is its invitation
     * code (compared in constant time), and whether they hold a live registration (someone who
     * cancelled, or was removed, needs the link again).
     */
    async privatePass(id: string, userId: string, code: string | undefined): Promise<{ invited: boolean; registered: boolean }> {
      const row = await db
        .selectFrom('events')
        .select((eb) => [
          'invite_code',
          eb
            .exists(
              eb
                .selectFrom('registrations')
                .select('registrations.id')
                .where('registrations.event_id', '=', id)
                .where('registrations.user_id', '=', userId)
                .where('registrations.status', '<>', 'cancelled'),
            )
            .as('registered'),
        ])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return { invited: false, registered: false };
      const stored = row.invite_code;
      const invited = !!code && !!stored && stored.length === code.length && timingSafeEqual(Buffer.from(stored), Buffer.from(code));
      return { invited, registered: Boolean(row.registered) };
    },

    async inviteCode(id: string): Promise<string | null> {
      const row = await db.selectFrom('events').select('invite_code').where('id', '=', id).executeTakeFirst();
      return row?.invite_code ?? null;
    },

    async markCompleted(id: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set({ status: 'completed', updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return one(row);
    },

    async markPublished(id: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set({ status: 'published', published_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return one(row);
    },

    /** Upcoming published events of the given visibilities, or with `everything` every event (admins), in (startsAt, id) order after `after`. */
    async list(opts: {
      visibilities: readonly EventDto['visibility'][];
      everything?: boolean;
      after?: { startsAt: string; id: string } | undefined;
      limit: number;
      filter?: Omit<ListEventsQuery, 'cursor' | 'limit' | 'scope'>;
    }): Promise<EventDto[]> {
      let q = db.selectFrom('events').selectAll();
      if (!opts.everything) {
        q = q.where('status', '=', 'published').where('visibility', 'in', opts.visibilities).where('ends_at', '>', new Date());
      }
      const f = opts.filter ?? {};
      if (f.q) q = q.where(sql<boolean>`search @@ websearch_to_tsquery('simple', ${f.q})`);
      if (f.from) q = q.where('starts_at', '>=', new Date(f.from));
      if (f.to) q = q.where('starts_at', '<', new Date(f.to));
      if (f.tag) q = q.where(sql<boolean>`${f.tag} = any(tags)`);
      if (f.hasSeats) q = q.where((eb) => eb('confirmed_count', '<', eb.ref('capacity')));
      if (f.mode === 'online') q = q.where('online_url', 'is not', null);
      if (f.mode === 'in_person') q = q.where('venue', 'is not', null);
      const rows = await keysetPage(q, {
        keys: [
          ['starts_at', 'asc'],
          ['id', 'asc'],
        ],
        after: opts.after ? [new Date(opts.after.startsAt), opts.after.id] : undefined,
        limit: opts.limit,
      }).execute();
      return withTypes(rows);
    },

    /** Events `userId` is listed as organizing, except cancelled ones, soonest first (at most 200). */
    async listOrganizedBy(userId: string): Promise<EventDto[]> {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where(sql<boolean>`${userId} = any(organizer_ids)`)
        .where('status', '<>', 'cancelled')
        .orderBy('starts_at')
        .limit(200)
        .execute();
      return withTypes(rows);
    },
  };
}
