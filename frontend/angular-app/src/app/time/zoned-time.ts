// Converting between an instant and the wall-clock time of an IANA zone, for the event editor:
// organizers type times as people at the venue read them, in the event's own zone.

const PARTS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = PARTS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    PARTS.set(timeZone, format);
  }
  return format;
}

function wallClockParts(instant: number, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  return parts;
}

/** How far the zone's clock is ahead of UTC at that instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallClockParts(instant, timeZone);
  const asUtc = Date.UTC(p['year'], p['month'] - 1, p['day'], p['hour'], p['minute'], p['second']);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant (ISO 8601, UTC) at which clocks in `timeZone` show `local` (`YYYY-MM-DDTHH:mm`,
 * as a datetime-local input gives it). A time skipped by a DST change moves forward by the gap.
 */
export function zonedLocalToIso(local: string, timeZone: string): string {
  const asUtc = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  if (Number.isNaN(asUtc)) {
    throw new RangeError(`Not a date and time: ${local}`);
  }
  const firstGuess = asUtc - offsetAt(asUtc, timeZone);
  const secondOffset = offsetAt(firstGuess, timeZone);
  return new Date(asUtc - secondOffset).toISOString();
}

/** The wall-clock time (`YYYY-MM-DDTHH:mm`) in `timeZone` at `iso`, for a datetime-local input. */
export function isoToZonedLocal(iso: string, timeZone: string): string {
  const p = wallClockParts(Date.parse(iso), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p['year']}-${pad(p['month'])}-${pad(p['day'])}T${pad(p['hour'])}:${pad(p['minute'])}`;
}

/** Every IANA zone the browser knows, for the time-zone picker. */
export function knownTimeZones(): readonly string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}
