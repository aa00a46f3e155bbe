import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { EventDto, ListEventsQuery } from '@secureevent/contracts';
import type { EventsDb } from '../db/schema.js';
import { renderDescription } from './description.js';

export type EventRow = Selectable<EventsDb['events']>;

/** Maps a row to the API shape. */
export function toEventDto(row: EventRow): EventDto {
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
    visibility: row.visibility,
    tags: row.tags,
    status: row.status,
    organizerIds: row.organizer_ids,
    createdAt: new Date(row.created_at).toISOString(),
    publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
    registrationOpensAt: row.registration_opens_at ? new Date(row.registration_opens_at).toISOString() : null,
    registrationClosesAt: row.registration_closes_at ? new Date(row.registration_closes_at).toISOString() : null,
    questions: row.questions,
    availability: {
      capacity: row.capacity,
      confirmed: row.confirmed_count,
      seatsLeft: Math.max(0, row.capacity - row.confirmed_count),
      waitlisted: row.waitlisted_count,
    },
  };
}

/** Columns for an insert or update, from the API shape. */
/** An event as a use case creates it, before the database derives the rest. */
export type NewEvent = Omit<EventDto, 'descriptionHtml' | 'availability' | 'createdAt' | 'publishedAt'>;

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
    ...(e.visibility !== undefined ? { visibility: e.visibility } : {}),
    ...(e.tags !== undefined ? { tags: e.tags } : {}),
    ...(e.registrationOpensAt !== undefined
      ? { registration_opens_at: e.registrationOpensAt ? new Date(e.registrationOpensAt) : null }
      : {}),
    ...(e.registrationClosesAt !== undefined
      ? { registration_closes_at: e.registrationClosesAt ? new Date(e.registrationClosesAt) : null }
      : {}),
    ...(e.questions !== undefined ? { questions: JSON.stringify(e.questions) as unknown as EventDto['questions'] } : {}),
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

/** SQL for events; returns plain objects. */
export function eventsRepository(db: Kysely<EventsDb>) {
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
      await refreshSearch(db, row.id);
      return toEventDto(row);
    },

    async findById(id: string, opts: { forUpdate?: boolean } = {}): Promise<EventDto | undefined> {
      let q = db.selectFrom('events').selectAll().where('id', '=', id);
      if (opts.forUpdate) q = q.forUpdate();
      const row = await q.executeTakeFirst();
      return row ? toEventDto(row) : undefined;
    },

    async update(id: string, changes: Partial<EventDto>): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set({ ...toColumns(changes), updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (changes.title !== undefined || changes.description !== undefined || changes.tags !== undefined) await refreshSearch(db, id);
      return toEventDto(row);
    },

    async markCancelled(id: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set({ status: 'cancelled', cancelled_at: new Date(), updated_at: new Date(), confirmed_count: 0, waitlisted_count: 0 })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEventDto(row);
    },

    async addOrganizer(id: string, userId: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set((eb) => ({ organizer_ids: eb.fn<string[]>('array_append', ['organizer_ids', eb.val(userId)]), updated_at: new Date() }))
        .where('id', '=', id)
        .where((eb) => eb.not(eb(eb.val(userId), '=', eb.fn.any('organizer_ids'))))
        .returningAll()
        .executeTakeFirst();
      return row ? toEventDto(row) : ((await this.findById(id)) as EventDto);
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
      return row ? toEventDto(row) : undefined;
    },

    /** True when `code` is the event's invitation code (compared in constant time). */
    async inviteMatches(id: string, code: string | undefined): Promise<boolean> {
      if (!code) return false;
      const row = await db.selectFrom('events').select('invite_code').where('id', '=', id).executeTakeFirst();
      if (!row?.invite_code || row.invite_code.length !== code.length) return false;
      return timingSafeEqual(Buffer.from(row.invite_code), Buffer.from(code));
    },

    /**
     * Whether the caller counts as invited to a private event: they present its invitation code,
     * or they hold a live registration for it (which they could only get through the link), so
     * their ticket, calendar file and event page keep working without the link.
     */
    async isInvited(id: string, viewer: { id: string } | undefined, code: string | undefined): Promise<boolean> {
      if (await this.inviteMatches(id, code)) return true;
      if (!viewer) return false;
      const registered = await db
        .selectFrom('registrations')
        .select('id')
        .where('event_id', '=', id)
        .where('user_id', '=', viewer.id)
        // Only a live registration: someone who cancelled (or was removed) needs the link again.
        .where('status', '<>', 'cancelled')
        .limit(1)
        .executeTakeFirst();
      return registered !== undefined;
    },

    async inviteCode(id: string): Promise<string | null> {
      const row = await db.selectFrom('events').select('invite_code').where('id', '=', id).executeTakeFirst();
      return row?.invite_code ?? null;
    },

    async markPublished(id: string): Promise<EventDto> {
      const row = await db
        .updateTable('events')
        .set({ status: 'published', published_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEventDto(row);
    },

    /** Published, not yet ended events visible at `visibilities`, filtered, in (startsAt, id) order after `after`. */
    /** Upcoming published events of the given visibilities, or with `everything` every event (admins). */
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
      if (opts.after) {
        const after = opts.after;
        q = q.where((eb) =>
          eb.or([
            eb('starts_at', '>', new Date(after.startsAt)),
            eb.and([eb('starts_at', '=', new Date(after.startsAt)), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await q.orderBy('starts_at').orderBy('id').limit(opts.limit).execute();
      return rows.map(toEventDto);
    },
  };
}
