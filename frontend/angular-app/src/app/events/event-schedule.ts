import { EventSummary } from './event.model';

/** When an event happens, worded for one viewer. */
export interface EventSchedule {
  /** Start–end in the viewer's own time zone, with the zone's short name. */
  readonly inViewerZone: string;
  /** Start–end in the event's time zone, or null when it reads the same as `inViewerZone`. */
  readonly inEventZone: string | null;
}

const DATE_TIME: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
};

// An unknown zone name makes Intl throw; one bad event must not take the whole list down.
function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function formatRange(start: Date, end: Date, locale: string, options: Intl.DateTimeFormatOptions) {
  const format = new Intl.DateTimeFormat(locale, { ...DATE_TIME, ...options });
  return end > start ? format.formatRange(start, end) : format.format(start);
}

/**
 * Words an event's start and end for a viewer. The event's own zone is added only when its clock
 * times differ from the viewer's: two zones with the same offset (Paris and Berlin) read alike.
 */
export function describeEventSchedule(
  event: Pick<EventSummary, 'startsAt' | 'endsAt' | 'timeZone'>,
  viewerTimeZone: string,
  locale: string,
): EventSchedule {
  const start = new Date(event.startsAt);
  const end = new Date(event.endsAt);
  const inViewerZone = formatRange(start, end, locale, {
    timeZone: viewerTimeZone,
    timeZoneName: 'short',
  });
  if (!isKnownTimeZone(event.timeZone)) {
    return { inViewerZone, inEventZone: null };
  }
  const viewerClock = formatRange(start, end, locale, { timeZone: viewerTimeZone });
  const eventClock = formatRange(start, end, locale, { timeZone: event.timeZone });
  if (viewerClock === eventClock) {
    return { inViewerZone, inEventZone: null };
  }
  const inEventZone = formatRange(start, end, locale, {
    timeZone: event.timeZone,
    timeZoneName: 'short',
  });
  return { inViewerZone, inEventZone };
}
