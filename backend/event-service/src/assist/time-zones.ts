import { tzOffset } from '@date-fns/tz';
import { isIanaTimeZone } from '@secureevent/contracts';

/**
 * Reading a time zone out of free text: an IANA name ("Europe/London"), a city ("Berlin time",
 * "(Berlin)"), a zone name or abbreviation after a time ("Pacific Time", "ET", "CET", "JST"), an
 * Outlook (Windows) zone name in an .ics file, or a UTC offset. Everything resolves to an IANA zone,
 * because an event keeps its zone (daylight saving changes the offset, not the zone).
 */

/** A zone found in the text, with what it was read from. */
export interface FoundZone {
  zone: string;
  /** The words it was read from, e.g. `CET` or `Berlin time`. */
  source: string;
  /** Where in the text (for removing it before other rules run). */
  index: number;
  /** An abbreviation or offset that more than one zone shares: say which zone it was read as. */
  ambiguous: boolean;
  /** A bare UTC offset in minutes (`UTC+1`), which many zones share. */
  offsetMinutes?: number;
}

/** Cities people name for a time ("Berlin time", "10:00 (London)"), to their zone. */
const CITY_ZONES: Record<string, string> = {
  amsterdam: 'Europe/Amsterdam',
  athens: 'Europe/Athens',
  auckland: 'Pacific/Auckland',
  bangalore: 'Asia/Kolkata',
  bangkok: 'Asia/Bangkok',
  barcelona: 'Europe/Madrid',
  beijing: 'Asia/Shanghai',
  berlin: 'Europe/Berlin',
  boston: 'America/New_York',
  brussels: 'Europe/Brussels',
  bucharest: 'Europe/Bucharest',
  budapest: 'Europe/Budapest',
  'buenos aires': 'America/Argentina/Buenos_Aires',
  cairo: 'Africa/Cairo',
  chicago: 'America/Chicago',
  copenhagen: 'Europe/Copenhagen',
  delhi: 'Asia/Kolkata',
  denver: 'America/Denver',
  dubai: 'Asia/Dubai',
  dublin: 'Europe/Dublin',
  frankfurt: 'Europe/Berlin',
  hamburg: 'Europe/Berlin',
  helsinki: 'Europe/Helsinki',
  'hong kong': 'Asia/Hong_Kong',
  istanbul: 'Europe/Istanbul',
  jakarta: 'Asia/Jakarta',
  johannesburg: 'Africa/Johannesburg',
  kyiv: 'Europe/Kyiv',
  lagos: 'Africa/Lagos',
  lisbon: 'Europe/Lisbon',
  london: 'Europe/London',
  'los angeles': 'America/Los_Angeles',
  madrid: 'Europe/Madrid',
  melbourne: 'Australia/Melbourne',
  'mexico city': 'America/Mexico_City',
  milan: 'Europe/Rome',
  montreal: 'America/Toronto',
  moscow: 'Europe/Moscow',
  mumbai: 'Asia/Kolkata',
  munich: 'Europe/Berlin',
  nairobi: 'Africa/Nairobi',
  'new york': 'America/New_York',
  oslo: 'Europe/Oslo',
  paris: 'Europe/Paris',
  prague: 'Europe/Prague',
  rome: 'Europe/Rome',
  'san francisco': 'America/Los_Angeles',
  'sao paulo': 'America/Sao_Paulo',
  'são paulo': 'America/Sao_Paulo',
  seattle: 'America/Los_Angeles',
  seoul: 'Asia/Seoul',
  shanghai: 'Asia/Shanghai',
  singapore: 'Asia/Singapore',
  stockholm: 'Europe/Stockholm',
  sydney: 'Australia/Sydney',
  tokyo: 'Asia/Tokyo',
  toronto: 'America/Toronto',
  vancouver: 'America/Vancouver',
  vienna: 'Europe/Vienna',
  warsaw: 'Europe/Warsaw',
  zurich: 'Europe/Zurich',
};

/** Zone names and abbreviations, to the zone they are most often meant as. `ambiguous` when others share them. */
const NAMED_ZONES: Record<string, { zone: string; ambiguous: boolean }> = {
  utc: { zone: 'UTC', ambiguous: false },
  gmt: { zone: 'UTC', ambiguous: false },
  cet: { zone: 'Europe/Berlin', ambiguous: true },
  cest: { zone: 'Europe/Berlin', ambiguous: true },
  mez: { zone: 'Europe/Berlin', ambiguous: true },
  mesz: { zone: 'Europe/Berlin', ambiguous: true },
  'central european time': { zone: 'Europe/Berlin', ambiguous: true },
  wet: { zone: 'Europe/Lisbon', ambiguous: true },
  west: { zone: 'Europe/Lisbon', ambiguous: true },
  eet: { zone: 'Europe/Athens', ambiguous: true },
  eest: { zone: 'Europe/Athens', ambiguous: true },
  bst: { zone: 'Europe/London', ambiguous: false },
  'uk time': { zone: 'Europe/London', ambiguous: false },
  et: { zone: 'America/New_York', ambiguous: false },
  est: { zone: 'America/New_York', ambiguous: false },
  edt: { zone: 'America/New_York', ambiguous: false },
  eastern: { zone: 'America/New_York', ambiguous: false },
  'eastern time': { zone: 'America/New_York', ambiguous: false },
  ct: { zone: 'America/Chicago', ambiguous: false },
  cst: { zone: 'America/Chicago', ambiguous: true },
  cdt: { zone: 'America/Chicago', ambiguous: false },
  central: { zone: 'America/Chicago', ambiguous: false },
  'central time': { zone: 'America/Chicago', ambiguous: false },
  mt: { zone: 'America/Denver', ambiguous: false },
  mst: { zone: 'America/Denver', ambiguous: false },
  mdt: { zone: 'America/Denver', ambiguous: false },
  mountain: { zone: 'America/Denver', ambiguous: false },
  'mountain time': { zone: 'America/Denver', ambiguous: false },
  pt: { zone: 'America/Los_Angeles', ambiguous: false },
  pst: { zone: 'America/Los_Angeles', ambiguous: false },
  pdt: { zone: 'America/Los_Angeles', ambiguous: false },
  pacific: { zone: 'America/Los_Angeles', ambiguous: false },
  'pacific time': { zone: 'America/Los_Angeles', ambiguous: false },
  jst: { zone: 'Asia/Tokyo', ambiguous: false },
  kst: { zone: 'Asia/Seoul', ambiguous: false },
  ist: { zone: 'Asia/Kolkata', ambiguous: true },
  sgt: { zone: 'Asia/Singapore', ambiguous: false },
  hkt: { zone: 'Asia/Hong_Kong', ambiguous: false },
  aest: { zone: 'Australia/Sydney', ambiguous: false },
  aedt: { zone: 'Australia/Sydney', ambiguous: false },
  nzst: { zone: 'Pacific/Auckland', ambiguous: false },
  nzdt: { zone: 'Pacific/Auckland', ambiguous: false },
};

/** Outlook and Exchange write Windows zone names into .ics files (CLDR's windowsZones, the common ones). */
const WINDOWS_ZONES: Record<string, string> = {
  'w. europe standard time': 'Europe/Berlin',
  'central europe standard time': 'Europe/Budapest',
  'central european standard time': 'Europe/Warsaw',
  'romance standard time': 'Europe/Paris',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kyiv',
  'gtb standard time': 'Europe/Bucharest',
  'russian standard time': 'Europe/Moscow',
  'eastern standard time': 'America/New_York',
  'central standard time': 'America/Chicago',
  'mountain standard time': 'America/Denver',
  'pacific standard time': 'America/Los_Angeles',
  'tokyo standard time': 'Asia/Tokyo',
  'china standard time': 'Asia/Shanghai',
  'india standard time': 'Asia/Kolkata',
  'singapore standard time': 'Asia/Singapore',
  'aus eastern standard time': 'Australia/Sydney',
  'new zealand standard time': 'Pacific/Auckland',
  utc: 'UTC',
};

/** The IANA zone for a TZID as calendars write it: IANA already, a Windows name, or `/…` prefixed (old Mozilla). */
export function zoneFromTzid(tzid: string): string | undefined {
  const cleaned = tzid.replace(/^\/(?:[^/]+\/){0,3}(?=[A-Z][a-z]+\/)/, '').replace(/^"|"$/g, '');
  if (/^[A-Za-z_]+(?:\/[A-Za-z_+-]+){1,2}$/.test(cleaned) && isIanaTimeZone(cleaned)) return cleaned;
  return WINDOWS_ZONES[cleaned.toLowerCase()] ?? (cleaned.toUpperCase() === 'UTC' ? 'UTC' : undefined);
}

const IANA = /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/g;
const CITY_NAMES = Object.keys(CITY_ZONES)
  .sort((a, b) => b.length - a.length)
  .map((c) => c.replace(/ /g, '\\s+'))
  .join('|');
/** "Berlin time", "London Time", or a city alone in parentheses: "(Berlin)". */
const CITY = new RegExp(`\\b(${CITY_NAMES})\\s+time\\b|\\((${CITY_NAMES})(?:\\s+time)?\\)`, 'gi');
const NAMES = Object.keys(NAMED_ZONES)
  .filter((n) => n.length > 3 || n.includes(' '))
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/ /g, '\\s+'))
  .join('|');
/** Long names ("Pacific Time", "Eastern") only right after a time, where they cannot be ordinary words. */
const NAMED_AFTER_TIME = new RegExp(`(?:\\d(?::\\d\\d)?\\s*(?:[ap]\\.?m\\.?)?|noon|midnight)\\s*\\(?\\s*(${NAMES})\\b`, 'gi');
/** Abbreviations in capitals as whole words ("ET", "CET", "JST"): lower-case "et" or "pt" are words. */
const ABBREVIATIONS = new RegExp(
  `\\b(${Object.keys(NAMED_ZONES)
    .filter((n) => !n.includes(' ') && n.length <= 4)
    .map((n) => n.toUpperCase())
    .join('|')})\\b(?!\\s*[+\\-−]\\s*\\d)`,
  'g',
);
const OFFSET = /\b(?:UTC|GMT)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?\b/g;

/** Every zone the text names, in order of appearance. */
export function findZones(text: string): FoundZone[] {
  const found: FoundZone[] = [];
  for (const m of text.matchAll(IANA)) {
    if (isIanaTimeZone(m[0])) found.push({ zone: m[0], source: m[0], index: m.index, ambiguous: false });
  }
  for (const m of text.matchAll(CITY)) {
    const city = (m[1] ?? m[2] ?? '').toLowerCase().replace(/\s+/g, ' ');
    const zone = CITY_ZONES[city];
    if (zone) found.push({ zone, source: m[0], index: m.index, ambiguous: false });
  }
  for (const m of text.matchAll(NAMED_AFTER_TIME)) {
    const name = (m[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
    const named = NAMED_ZONES[name];
    if (named) found.push({ ...named, source: m[1] ?? name, index: m.index + m[0].length - (m[1]?.length ?? 0) });
  }
  for (const m of text.matchAll(ABBREVIATIONS)) {
    const named = NAMED_ZONES[m[0].toLowerCase()];
    if (named) found.push({ ...named, source: m[0], index: m.index });
  }
  for (const m of text.matchAll(OFFSET)) {
    const sign = m[1] === '+' ? 1 : -1;
    const minutes = sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    if (Math.abs(minutes) <= 14 * 60) {
      found.push({ zone: offsetZone(minutes), source: m[0], index: m.index, ambiguous: true, offsetMinutes: minutes });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** A fixed-offset zone for whole hours (`Etc/GMT-1` is UTC+1: POSIX signs are inverted), else UTC. */
function offsetZone(minutes: number): string {
  if (minutes === 0) return 'UTC';
  if (minutes % 60 !== 0) return 'UTC';
  const hours = minutes / 60;
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/** The zone's offset from UTC in minutes at `at`. */
export function offsetAt(zone: string, at: Date): number {
  return tzOffset(zone, at);
}

/**
 * Which zone the event is in. The first zone the text names wins. When it is an abbreviation or
 * offset that the organizer's own zone also has at that time (an organizer in Paris writing "CET",
 * in Berlin writing "UTC+1"), the organizer's zone is meant. Without any, the organizer's zone.
 */
export function chooseZone(
  found: readonly FoundZone[],
  organizerZone: string | undefined,
  at: Date,
): { zone: string; from: FoundZone | undefined } {
  const first = found[0];
  if (!first) return { zone: organizerZone ?? 'UTC', from: undefined };
  if (organizerZone && (first.ambiguous || first.offsetMinutes !== undefined)) {
    const wanted = first.offsetMinutes ?? offsetAt(first.zone, at);
    if (offsetAt(organizerZone, at) === wanted) return { zone: organizerZone, from: first };
  }
  return { zone: first.zone, from: first };
}
