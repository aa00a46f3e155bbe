import { z } from 'zod';
import { AppError, cursorCodec, ErrorCode, toPage, type AuthUser, type Cache } from '@secureevent/shared';
import { canManageEvent, mayOrganize, type EventDto, type EventPage, type ListEventsQuery } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { mayView } from './event-access.js';
import { eventsRepository } from './events.repository.js';
import { withoutHiddenTypes } from './ticket-types.js';
import { EVENT_CACHE_TTL_SECONDS, eventDefinitionKey, eventKey } from './event-cache.js';

const cursor = cursorCodec(z.object({ startsAt: z.iso.datetime(), id: z.string().max(40) }));

/**
 * Lists upcoming published events the caller may see, one page at a time; `scope=all` lists every
 * event in any status (drafts, cancelled, past) and is for admins only.
 */
export async function listEvents(db: Kysely<EventsDb>, viewer: AuthUser | undefined, page: ListEventsQuery): Promise<EventPage> {
  const { cursor: pageCursor, limit, scope, ...filter } = page;
  const everything = scope === 'all';
  if (everything && !viewer?.roles.includes('admin')) {
    throw new AppError(viewer ? ErrorCode.FORBIDDEN : ErrorCode.UNAUTHENTICATED, 'Only admins can list every event.');
  }
  const items = await eventsRepository(db).list({
    everything,
    // Private events are never listed: they are seen through their invitation link only.
    visibilities: viewer ? ['public', 'internal'] : ['public'],
    after: cursor.decode(pageCursor),
    limit: limit + 1,
    filter,
  });
  const shown = items.map((e) => (canManageEvent(e, viewer) ? e : withoutHiddenTypes(e)));
  return toPage(shown, limit, (e) => ({ startsAt: e.startsAt, id: e.id }), cursor.encode);
}

/**
 * Reads one event. Public published events are cached (anyone may see them, so one cached copy
 * serves every caller); writes delete the key. Events the caller may not see are a 404.
 */
export async function getEvent(
  deps: { db: Kysely<EventsDb>; cache: Cache },
  viewer: AuthUser | undefined,
  id: string,
  invite?: string,
): Promise<EventDto> {
  const repo = eventsRepository(deps.db);
  // Only what anyone may see is kept; a read that raced a write is not (Cache.getOrLoad).
  const event = await deps.cache.getOrLoad(
    eventKey(id),
    EVENT_CACHE_TTL_SECONDS,
    () => repo.findById(id),
    (found) => found?.status === 'published' && found.visibility === 'public',
  );
  if (!event || !(await mayView(deps.db, event, viewer, invite))) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  // Hidden ticket types and the invitation link are for the event's managers; neither is taken
  // out of, nor put into, the shared cache.
  if (!canManageEvent(event, viewer)) return withoutHiddenTypes(event);
  if (event.visibility === 'private') {
    const code = await repo.inviteCode(id);
    if (code) return { ...event, inviteUrl: `/events/${id}?invite=${code}` };
  }
  return event;
}

/**
 * The event as registration screens a request against it (status, visibility, window, questions),
 * for someone allowed to see it; otherwise NOT_FOUND. Served from a cache that only changes to the
 * event itself evict, so a registration rush keeps hitting it instead of the database: its counts
 * may be old and must not be shown. The seat claim re-checks the status under the row lock.
 */
export async function getEventForRegistration(
  deps: { db: Kysely<EventsDb>; cache: Cache },
  viewer: AuthUser,
  id: string,
  invite: string | undefined,
): Promise<EventDto> {
  const event = await deps.cache.getOrLoad(
    eventDefinitionKey(id),
    EVENT_CACHE_TTL_SECONDS,
    () => eventsRepository(deps.db).findById(id),
    (found) => found !== undefined,
  );
  if (!event || !(await mayView(deps.db, event, viewer, invite))) throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  return event;
}

/** Events the caller organizes (any status but cancelled), soonest first: the organizer's dashboard. */
export async function listManagedEvents(db: Kysely<EventsDb>, user: AuthUser): Promise<EventDto[]> {
  // Listed on events but no longer allowed to organize: nothing to manage.
  if (!mayOrganize(user.roles)) return [];
  return (await eventsRepository(db).listOrganizedBy(user.id)).map((e) => (canManageEvent(e, user) ? e : withoutHiddenTypes(e)));
}
