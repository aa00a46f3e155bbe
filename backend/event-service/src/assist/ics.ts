import ICAL from 'ical.js';
import { TZDate } from '@date-fns/tz';
import type { DraftWarning, EventDraft } from '@secureevent/contracts';
import { zoneFromTzid } from './time-zones.js';

/** True when the text is (or contains) an iCalendar object. */
export function looksLikeIcs(text: string): boolean {
  return /BEGIN:VCALENDAR/i.test(text) && /BEGIN:VEVENT/i.test(text);
}

/** What an .ics file says exactly; the rest (tags, questions, capacity) is read from its text by the caller. */
export interface IcsReading {
  draft: EventDraft;
  warnings: DraftWarning[];
  /** SUMMARY, DESCRIPTION and LOCATION, for the text rules (links, capacity, questions). */
  text: string;
}

type Time = InstanceType<typeof ICAL.Time>;

/**
 * Reads the first VEVENT exactly, with ical.js: the summary, description, location, start and end
 * with their zone (an IANA TZID, an Outlook/Windows zone name, UTC, or an all-day date), or a
 * duration. Returns undefined when the text does not parse as iCalendar.
 */
export function readIcs(input: string, organizerZone: string | undefined): IcsReading | undefined {
  const start = input.search(/BEGIN:VCALENDAR/i);
  const end = input.search(/END:VCALENDAR/i);
  const source = input.slice(start, end >= 0 ? end + 'END:VCALENDAR'.length : undefined);
  let calendar: InstanceType<typeof ICAL.Component>;
  try {
    calendar = new ICAL.Component(ICAL.parse(source) as unknown[]);
  } catch {
    return undefined;
  }
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) return undefined;
  // VTIMEZONE definitions in the file let ical.js place times whose TZID is no IANA name. The
  // service is process-wide: they are registered for this (synchronous) reading only, so one
  // upload's definitions never affect another's.
  const registered: string[] = [];
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    try {
      const tz = new ICAL.Timezone(vtimezone);
      if (tz.tzid && !ICAL.TimezoneService.has(tz.tzid)) {
        ICAL.TimezoneService.register(tz, tz.tzid);
        registered.push(tz.tzid);
      }
    } catch {
      // An unusable VTIMEZONE: times in it are read as below, from the TZID's name.
    }
  }
  try {
    return readEvent(vevent, organizerZone);
  } finally {
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
}

function readEvent(vevent: InstanceType<typeof ICAL.Component>, organizerZone: string | undefined): IcsReading {
  const event = new ICAL.Event(vevent);
  const draft: EventDraft = {};
  const warnings: DraftWarning[] = [];
  const summary = (event.summary ?? '').trim();
  if (summary) draft.title = summary.slice(0, 200);
  const description = (event.description ?? '').trim();
  if (description) draft.description = description.slice(0, 20_000);
  const location = (event.location ?? '').trim();
  if (
    location &&
    !/^https?:\/\//i.test(location) &&
    !/^(?:microsoft teams(?: meeting)?|zoom(?: meeting)?|google meet|webex|online|virtual|remote)$/i.test(location)
  ) {
    draft.venue = location.slice(0, 300);
  }
  const url = vevent.getFirstPropertyValue('url');
  const dtstart = vevent.getFirstProperty('dtstart');
  if (event.startDate && dtstart) {
    const tzid = String(dtstart.getParameter('tzid') ?? '');
    const placed = place(event.startDate, tzid, organizerZone);
    if (placed.warning) warnings.push({ field: 'timeZone', message: placed.warning });
    draft.startsAt = placed.at;
    draft.timeZone = placed.zone;
    const endTime = event.endDate;
    if (endTime && vevent.hasProperty('dtend')) {
      const endTzid = String(vevent.getFirstProperty('dtend')?.getParameter('tzid') ?? tzid);
      draft.endsAt = place(endTime, endTzid, organizerZone).at;
    } else if (vevent.hasProperty('duration') && endTime) {
      draft.endsAt = new Date(Date.parse(placed.at) + event.duration.toSeconds() * 1000).toISOString();
    } else {
      draft.endsAt = new Date(Date.parse(placed.at) + (event.startDate.isDate ? 86_400_000 : 3_600_000)).toISOString();
      warnings.push({ field: 'endsAt', message: 'the invitation gives no end: assumed 1 hour' });
    }
  }
  if (vevent.hasProperty('rrule'))
    warnings.push({ field: 'startsAt', message: 'a repeating invitation: the draft is its first occurrence' });
  return { draft, warnings, text: [summary, description, location, typeof url === 'string' ? url : ''].filter(Boolean).join('\n') };
}

/** The instant of an iCalendar time, and the zone the event is in. */
function place(time: Time, tzid: string, organizerZone: string | undefined): { at: string; zone: string; warning?: string } {
  const zone = tzid ? zoneFromTzid(tzid) : undefined;
  const wall = (z: string) =>
    new Date(
      new TZDate(time.year, time.month - 1, time.day, time.isDate ? 0 : time.hour, time.isDate ? 0 : time.minute, z).getTime(),
    ).toISOString();
  if (zone) return { at: wall(zone), zone };
  const fallback = organizerZone ?? 'UTC';
  if (time.zone?.tzid === 'UTC') return { at: time.toJSDate().toISOString(), zone: fallback };
  if (tzid && ICAL.TimezoneService.has(tzid)) {
    return {
      at: time.toJSDate().toISOString(),
      zone: fallback,
      warning: `the invitation’s zone “${tzid}” is no IANA zone: used ${fallback}`,
    };
  }
  // A floating time (no zone): it means local time wherever the reader is, i.e. the organizer's.
  return { at: wall(fallback), zone: fallback };
}
