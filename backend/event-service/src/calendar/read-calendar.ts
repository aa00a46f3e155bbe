import { AppError, ErrorCode, type AuthUser } from '@secureevent/shared';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { mayView } from '../events/event-access.js';
import { renderCalendar, type CalendarEntry } from './calendar-document.js';
import { calendarRepository, type CalendarEventRow, type FeedCandidateRow } from './calendar.repository.js';
import { feedTokenHash, isFeedTokenShaped } from './feed-token.js';

/** What the calendar use cases need. */
export interface CalendarDeps {
  db: Kysely<EventsDb>;
  /** The web app's base URL, for links to event pages; without it URL is the online link. */
  publicUrl?: string | undefined;
}

/** How long a subscribed calendar app should wait before asking again. */
export const FEED_REFRESH_SECONDS = 3600;
// Newest events first; older history beyond this is of no use in a calendar and only costs.
const FEED_LIMIT = 500;
// cancelEvent stamps the registrations and then the event in one transaction, milliseconds apart.
// Someone who cancelled themselves in the last minute before that is shown the cancellation too,
// which is still true; someone who cancelled earlier is not.
const EVENT_CANCELLATION_WINDOW_MS = 60_000;

function toEntry(row: CalendarEventRow): CalendarEntry {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    timeZone: row.time_zone,
    venue: row.venue,
    onlineUrl: row.online_url,
    status: row.status,
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * Whether a registration puts its event in the holder's feed: while confirmed or waitlisted, and
 * after a cancellation only when it was the event that was cancelled (so it shows as cancelled
 * rather than silently vanishing). A registration the person cancelled themselves does not.
 */
export function belongsInFeed(
  row: Pick<FeedCandidateRow, 'registration_status' | 'registration_cancelled_at' | 'status' | 'cancelled_at'>,
) {
  if (row.registration_status !== 'cancelled') return true;
  if (row.status !== 'cancelled' || !row.cancelled_at || !row.registration_cancelled_at) return false;
  return new Date(row.registration_cancelled_at).getTime() >= new Date(row.cancelled_at).getTime() - EVENT_CANCELLATION_WINDOW_MS;
}

/** One event as an .ics file, for anyone who may see the event (others get 404, as for the event itself). */
export async function exportEventCalendar(
  deps: CalendarDeps,
  viewer: AuthUser | undefined,
  eventId: string,
  invite?: string,
): Promise<string> {
  const row = await calendarRepository(deps.db).findEvent(eventId);
  if (
    !row ||
    !(await mayView(
      deps.db,
      { id: eventId, status: row.status, visibility: row.visibility, organizerIds: row.organizer_ids },
      viewer,
      invite,
    ))
  ) {
    throw new AppError(ErrorCode.NOT_FOUND, 'No such event.');
  }
  return renderCalendar([toEntry(row)], { publicUrl: deps.publicUrl });
}

/**
 * The feed behind a secret token: every event its owner is registered for (or was, until the event
 * was cancelled). Holding a registration is what grants the view, so no role check applies. An
 * unknown, revoked or malformed token is a 404 that says nothing about which it was.
 */
export async function readCalendarFeed(deps: CalendarDeps, token: string): Promise<string> {
  const repo = calendarRepository(deps.db);
  const owner = isFeedTokenShaped(token) ? await repo.findFeedOwner(feedTokenHash(token)) : undefined;
  if (!owner) throw new AppError(ErrorCode.NOT_FOUND, 'No such calendar feed.');
  const seen = new Set<string>();
  const entries: CalendarEntry[] = [];
  for (const row of await repo.feedCandidates(owner, FEED_LIMIT)) {
    // Someone who registered, cancelled and registered again has several rows for one event.
    if (seen.has(row.id) || !belongsInFeed(row)) continue;
    seen.add(row.id);
    entries.push(toEntry(row));
  }
  return renderCalendar(entries, { publicUrl: deps.publicUrl, name: 'SecureEvent', refreshSeconds: FEED_REFRESH_SECONDS });
}
