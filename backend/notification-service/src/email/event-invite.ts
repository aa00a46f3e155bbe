import ical, { ICalCalendarMethod } from 'ical-generator';
import type { EmailEvent } from './email-payload.js';

/**
 * The `.ics` attached to a confirmation: one VEVENT in UTC (exact whatever the reader's zone), with
 * the same UID as the event-service's calendar feed (`<eventId>@secureevent`), so calendar apps that
 * also subscribe to the feed update one entry instead of showing two. Escaping and folding are the library's.
 */
export function renderEventInvite(event: EmailEvent, options: { baseUrl: string; now?: Date }): string {
  const calendar = ical({ prodId: '//SecureEvent//EN', method: ICalCalendarMethod.PUBLISH });
  calendar.createEvent({
    id: `${event.id}@secureevent`,
    stamp: options.now ?? new Date(),
    start: new Date(event.startsAt),
    // Without a known end (the event was published before this service kept a copy), an hour is shown.
    end: event.endsAt ? new Date(event.endsAt) : new Date(Date.parse(event.startsAt) + 3_600_000),
    summary: event.title,
    url: `${options.baseUrl}/events/${encodeURIComponent(event.id)}`,
  });
  return calendar.toString();
}
