import { TZDate } from '@date-fns/tz';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { EventStatus } from '../events/event.js';

/** One event as a calendar app should show it. */
export interface CalendarEntry {
  id: string;
  title: string;
  /** Markdown source: readable as plain text, which is what DESCRIPTION holds. */
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** IANA zone the organizer planned in; DTSTART/DTEND are written in it. */
  timeZone: string;
  venue: string | null;
  onlineUrl: string | null;
  status: EventStatus;
  /** When the event last changed; SEQUENCE is derived from it. */
  updatedAt: Date;
}

/** A calendar document: one VCALENDAR with one VEVENT per entry. */
export interface CalendarOptions {
  /** The web app's base URL (PUBLIC_URL); URL then points at the event page instead of the online link. */
  publicUrl?: string | undefined;
  /** X-WR-CALNAME, for subscribed feeds. */
  name?: string;
  /** How often a subscribing app should refresh, in seconds. */
  refreshSeconds?: number;
  now?: Date;
}

// SEQUENCE is a 32-bit integer in most clients: counting seconds from 2024 instead of 1970 keeps
// it far from 2^31 (until 2092) while still growing with every edit (updated_at is set by each one).
const SEQUENCE_EPOCH_MS = Date.UTC(2024, 0, 1);

/** SEQUENCE for an event last changed at `updatedAt`: grows with each edit, so apps replace their copy. */
export function sequenceOf(updatedAt: Date): number {
  return Math.max(0, Math.floor((updatedAt.getTime() - SEQUENCE_EPOCH_MS) / 1000));
}

/** The RFC 5545 UID: stable for the life of the event, so re-imports and feeds update one entry. */
export const calendarUid = (eventId: string) => `${eventId}@secureevent`;

function vtimezoneBlock(zone: string): { tzid: string; block: string } | undefined {
  const found = tzlib_get_ical_block(zone);
  if (!Array.isArray(found) || !found[0] || !found[1]) return undefined;
  // The library answers aliases (UTC, Asia/Calcutta) with the canonical zone (Etc/UTC,
  // Asia/Kolkata); TZID on DTSTART must name exactly the VTIMEZONE that is emitted.
  return { tzid: found[1].replace(/^TZID=/, ''), block: found[0] };
}

function statusOf(status: EventStatus): ICalEventStatus {
  switch (status) {
    case 'cancelled':
      return ICalEventStatus.CANCELLED;
    case 'draft':
      return ICalEventStatus.TENTATIVE;
    case 'published':
    case 'completed':
      return ICalEventStatus.CONFIRMED;
  }
}

/**
 * Renders events as an iCalendar (RFC 5545) document: METHOD:PUBLISH, a VTIMEZONE for every zone
 * used, and times in each event's own zone so that they stay right across daylight-saving changes.
 * Escaping and line folding are the library's.
 */
export function renderCalendar(entries: readonly CalendarEntry[], options: CalendarOptions = {}): string {
  const now = options.now ?? new Date();
  const base = options.publicUrl?.replace(/\/+$/, '');
  const blocks = new Map<string, string>();
  const calendar = ical({
    prodId: '//SecureEvent//EN',
    method: ICalCalendarMethod.PUBLISH,
    ...(options.name ? { name: options.name } : {}),
    ...(options.refreshSeconds ? { ttl: options.refreshSeconds } : {}),
    timezone: { name: null, generator: (tzid) => blocks.get(tzid) ?? null },
  });
  for (const e of entries) {
    const zone = vtimezoneBlock(e.timeZone);
    if (zone) blocks.set(zone.tzid, zone.block);
    const pageUrl = base ? `${base}/events/${encodeURIComponent(e.id)}` : null;
    const description = [e.description.trim(), e.onlineUrl ? `Join online: ${e.onlineUrl}` : '', pageUrl ?? '']
      .filter(Boolean)
      .join('\n\n');
    calendar.createEvent({
      id: calendarUid(e.id),
      sequence: sequenceOf(e.updatedAt),
      stamp: now,
      // Without a VTIMEZONE for the zone (never expected: every IANA zone has one), UTC is still exact.
      start: zone ? new TZDate(e.startsAt.getTime(), zone.tzid) : e.startsAt,
      end: zone ? new TZDate(e.endsAt.getTime(), zone.tzid) : e.endsAt,
      timezone: zone?.tzid ?? null,
      summary: e.title,
      description: description || null,
      location: e.venue ?? e.onlineUrl,
      url: pageUrl ?? e.onlineUrl,
      status: statusOf(e.status),
    });
  }
  return calendar.toString();
}
