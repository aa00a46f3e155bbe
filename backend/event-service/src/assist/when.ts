import * as chrono from 'chrono-node';
import { TZDate } from '@date-fns/tz';
import type { DraftWarning } from '@secureevent/contracts';

/**
 * Dates, times, durations and the registration window, read with chrono-node. chrono knows no
 * IANA zones, so it reads wall-clock components (year, month, day, hour, minute) and this module
 * turns them into instants in the event's zone with @date-fns/tz; relative words ("tomorrow",
 * "next Friday") are resolved against the reference time as the organizer's clock shows it.
 *
 * Before chrono runs, the text is prepared so chrono cannot misread it: links, e-mail addresses,
 * phone numbers and room numbers are blanked, durations ("2.5 hours") are taken out (chrono would
 * read them as "now + 2.5 hours"), numeric dates are rewritten to ISO (day-first unless the event
 * is in the Americas or the numbers say otherwise), and phrases chrono does not know ("last
 * Thursday of March", "10 and 11 May") are rewritten to ones it does.
 */

export interface When {
  startsAt?: string;
  endsAt?: string;
  registrationOpensAt?: string;
  registrationClosesAt?: string;
  /** A UTC offset written into a timestamp (`+01:00`), in minutes, when the text gives one. */
  explicitOffset?: number;
  /** The wall-clock day of the event, for choosing between zones that differ in daylight saving. */
  approximate?: Date;
}

interface Day {
  year: number;
  month: number;
  day: number;
}
interface Clock {
  hour: number;
  minute: number;
}
interface Span {
  text: string;
  index: number;
  role: 'event' | 'opens' | 'closes';
  day?: Day;
  time?: Clock;
  endDay?: Day;
  endTime?: Clock;
  relative: boolean;
  offset?: number;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const monthNumber = (name: string) => MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().slice(0, 3))) + 1;
const pad = (n: number) => String(n).padStart(2, '0');

/** Blank a match, keeping the text's length so indices stay valid. */
const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** What preparing the text found besides the cleaned text. */
export interface Prepared {
  text: string;
  /** The first duration the text gives, in minutes. */
  durationMinutes?: number;
  warnings: DraftWarning[];
}

const DURATION =
  /\b(?:for\s+)?(?:(\d+(?:[.,]\d+)?)\s*(?:-\s*)?(h|hrs?|hours?|m|mins?|minutes?)|(an?|one|half an?)\s+(hour|minute)s?|(\d+)\s*h\s*(\d{1,2})\s*(?:m|min)?)\b(?!\s*(?:before|after|later|ago|from now))/gi;
const DAYS_COUNT = /\b\d+\s*(?:days?|nights?|weeks?)\b(?!\s*(?:before|after|later|ago|from now))/gi;

/** Rewrites and blanks what chrono would misread; see the module comment. */
export function prepare(input: string, monthFirst: boolean, referenceYear: number): Prepared {
  const warnings: DraftWarning[] = [];
  let durationMinutes: number | undefined;
  let text = input
    .replace(/\bhttps?:\/\/[^\s<>"']+/gi, blank)
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, blank)
    .replace(/\+\d[\d\s()/-]{6,}\d/g, blank)
    // Room, floor and building numbers ("Room 3.14", "Hall 7") are not dates or times.
    .replace(
      /\b(rooms?|raum|hall|floor|level|building|suite|gate|no\.?|nr\.?|#)\s*([\w.-]*\d[\w.-]*)/gi,
      (_m, word: string, num: string) => word + ' ' + blank(num),
    )
    .replace(/\b\d+(?:st|nd|rd|th)\s+floor\b/gi, blank)
    .replace(/\b(?:str|st|ave|rd)\.?\s*\d+\b|\b\d+\s+[A-Z][a-z]+\s+(?:St|Ave|Avenue|Street|Road|Rd|Blvd)\b/g, blank);
  text = text.replace(DURATION, (m, n?: string, unit?: string, word?: string, wordUnit?: string, h?: string, min?: string) => {
    let minutes: number | undefined;
    if (n && unit) minutes = Number(n.replace(',', '.')) * (unit.toLowerCase().startsWith('h') ? 60 : 1);
    else if (word && wordUnit) minutes = (word.toLowerCase().startsWith('half') ? 0.5 : 1) * (wordUnit.toLowerCase() === 'hour' ? 60 : 1);
    else if (h && min) minutes = Number(h) * 60 + Number(min);
    if (minutes !== undefined && minutes > 0 && minutes <= 14 * 24 * 60) durationMinutes ??= Math.round(minutes);
    return blank(m);
  });
  text = text.replace(DAYS_COUNT, blank);
  // Dashes between numbers are ranges chrono reads only as "-": "May 4–5", "14:00–17:00".
  text = text.replace(/(\d)(\s*)[–—](\s*)(?=\d)/g, '$1$2-$3');
  // "10 and 11 May" → "10-11 May".
  text = text.replace(
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:and|&)\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH}\\b`, 'gi'),
    '$1-$2 $3',
  );
  // German and ISO-like numeric dates: 14.06.2027 → 2027-06-14.
  text = text.replace(/\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b/g, (m, d: string, mo: string, y: string) =>
    validDay(+y, +mo, +d) ? `${y}-${pad(+mo)}-${pad(+d)}` : m,
  );
  // Slashed dates: day-first, unless the numbers or the event's region say month-first.
  text = text.replace(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g, (m, a: string, b: string, y: string) => {
    let [day, month] = [+a, +b];
    if (+a <= 12 && +b > 12) [day, month] = [+b, +a];
    else if (+a <= 12 && +b <= 12 && +a !== +b) {
      if (monthFirst) [day, month] = [+b, +a];
      warnings.push({
        field: 'startsAt',
        message: `“${m}” read as ${y}-${pad(month)}-${pad(day)} (${monthFirst ? 'month' : 'day'} first)`,
      });
    }
    return validDay(+y, month, day) ? `${y}-${pad(month)}-${pad(day)}` : m;
  });
  // "the last Thursday of March" → that date (chrono reads only "last Thursday").
  text = text.replace(
    new RegExp(
      `\\b(?:the\\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last)\\s+(${WEEKDAYS.join('|')})\\s+(?:of|in)\\s+${MONTH}(?:\\s+(\\d{4}))?`,
      'gi',
    ),
    (m, which: string, weekday: string, month: string, year?: string) => {
      const iso = nthWeekday(which, WEEKDAYS.indexOf(weekday.toLowerCase()), monthNumber(month), year ? +year : referenceYear);
      return iso ?? m;
    },
  );
  return { text, durationMinutes, warnings };
}

function validDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function nthWeekday(which: string, weekday: number, month: number, y: number): string | undefined {
  const w = which.toLowerCase();
  if (w === 'last') {
    const last = new Date(Date.UTC(y, month, 0));
    const day = last.getUTCDate() - ((last.getUTCDay() - weekday + 7) % 7);
    return `${y}-${pad(month)}-${pad(day)}`;
  }
  const n = ['first', '1st'].includes(w) ? 1 : ['second', '2nd'].includes(w) ? 2 : ['third', '3rd'].includes(w) ? 3 : 4;
  const first = new Date(Date.UTC(y, month - 1, 1)).getUTCDay();
  const day = 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  return validDay(y, month, day) ? `${y}-${pad(month)}-${pad(day)}` : undefined;
}

const CLOSES =
  /(?:\b(?:regist\w*|sign[- ]?ups?|rsvp|enrol\w*|applications?|tickets?)\b[^.!?\n;]*?\b(?:by|before|until|till|deadline|closes?|ends?|due)|\b(?:rsvp|register|sign up|enrol|apply|book)\s+(?:by|before|until)|\bdeadline(?:\s+is)?:?)\s*(?:on\s+|is\s+)?(?:the\s+)?$/i;
const OPENS = /\b(?:regist\w*|sign[- ]?ups?|enrol\w*|tickets?|booking)\s+(?:opens?|starts?|begins?)\s*(?:on\s+|at\s+)?(?:the\s+)?$/i;
const RELATIVE = /\b(?:today|tonight|tomorrow|yesterday|next|this|coming|last|in\s+\d+)\b/i;

/** The sentence before `index`, for telling a registration deadline from the event's date. */
function before(text: string, index: number): string {
  const head = text.slice(Math.max(0, index - 80), index);
  const boundary = Math.max(
    head.lastIndexOf('. '),
    head.lastIndexOf('\n'),
    head.lastIndexOf('!'),
    head.lastIndexOf('?'),
    head.lastIndexOf(';'),
  );
  return boundary >= 0 ? head.slice(boundary + 1) : head;
}

function spanOf(text: string, r: chrono.ParsedResult): Span | undefined {
  const s = r.start;
  const hasDay = s.isCertain('day') || s.isCertain('weekday');
  const hasTime = s.isCertain('hour');
  if (!hasDay && !hasTime) return undefined;
  // A bare number ("2027", "101") is not a date; a time needs a colon, am/pm or a word like noon.
  if (!hasDay && !/\d:\d\d|\d\s*[ap]\.?m\b|noon|midnight/i.test(r.text)) return undefined;
  const context = before(text, r.index);
  const role = CLOSES.test(context) ? 'closes' : OPENS.test(context) ? 'opens' : 'event';
  const day = (c: chrono.ParsedComponents): Day => ({ year: c.get('year') ?? 0, month: c.get('month') ?? 0, day: c.get('day') ?? 0 });
  const clock = (c: chrono.ParsedComponents): Clock => ({ hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 });
  const span: Span = { text: r.text, index: r.index, role, relative: hasDay && RELATIVE.test(r.text) };
  if (hasDay) span.day = day(s);
  if (hasTime) span.time = clock(s);
  if (r.end) {
    if (r.end.isCertain('day') || r.end.isCertain('weekday')) span.endDay = day(r.end);
    if (r.end.isCertain('hour')) span.endTime = clock(r.end);
  }
  if (s.isCertain('timezoneOffset') && /T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)\b/.test(r.text))
    span.offset = s.get('timezoneOffset') ?? undefined;
  return span;
}

const sameDay = (a: Day, b: Day) => a.year === b.year && a.month === b.month && a.day === b.day;
const dayValue = (d: Day) => d.year * 10_000 + d.month * 100 + d.day;
const showDay = (d: Day) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

/** The instant of a wall-clock time in `zone`, or with an explicit UTC offset. */
function instant(day: Day, clock: Clock, zone: string, offset?: number): string {
  if (offset !== undefined) {
    return new Date(Date.UTC(day.year, day.month - 1, day.day, clock.hour, clock.minute) - offset * 60_000).toISOString();
  }
  return new Date(new TZDate(day.year, day.month - 1, day.day, clock.hour, clock.minute, zone).getTime()).toISOString();
}

/** Reads the event's time and the registration window from prepared text. */
export function readSpans(prepared: string, reference: Date, referenceOffsetMinutes: number): Span[] {
  const ref = { instant: reference, timezone: referenceOffsetMinutes };
  const results = chrono.en.casual.parse(prepared, ref, { forwardDate: true }).map((r) => {
    // "game night on Friday March 26": chrono takes "night" as the time of day and drops the date.
    const casual = /^(?:morning|afternoon|evening|night)\b\s*(?:on\s+)?/i.exec(r.text);
    if (!casual || casual[0].length === r.text.length) return r;
    const rest = chrono.en.casual.parse(r.text.slice(casual[0].length), ref, { forwardDate: true })[0];
    if (!rest) return r;
    return Object.assign(Object.create(Object.getPrototypeOf(rest) as object) as chrono.ParsedResult, rest, {
      index: rest.index + r.index + casual[0].length,
    });
  });
  const spans = results.map((r) => spanOf(prepared, r)).filter((s): s is Span => s !== undefined);
  // "May 12 at 9:00 AM through May 13 at 3:00 PM" when chrono returns the two halves separately.
  for (let i = 0; i + 1 < spans.length; i++) {
    const [a, b] = [spans[i]!, spans[i + 1]!];
    const between = prepared.slice(a.index + a.text.length, b.index);
    if (a.role === 'event' && b.role === 'event' && !a.endDay && !a.endTime && /^\s*(?:-|to|until|till|through|thru)\s*$/i.test(between)) {
      if (b.day) a.endDay = b.day;
      if (b.time) a.endTime = b.time;
      a.text = prepared.slice(a.index, b.index + b.text.length);
      spans.splice(i + 1, 1);
    }
  }
  return spans;
}

/** Turns the spans into the draft's instants, with warnings for whatever had to be assumed. */
export function resolveWhen(
  spans: readonly Span[],
  zone: string,
  prepared: Prepared,
  reference: Date,
): { when: When; warnings: DraftWarning[] } {
  const warnings: DraftWarning[] = [...prepared.warnings];
  const when: When = {};
  const events = spans.filter((s) => s.role === 'event');
  const dated = events.filter((s) => s.day);
  let primary = dated[0];
  let startTime = primary?.time;
  let endTime = primary?.endTime;
  let endDay = primary?.endDay;
  if (primary && !startTime) {
    const first = primary;
    // A later span with a time on one of the first span's days is the same event, told precisely.
    const precise = dated.find(
      (s) => s.time && s.day && dayValue(s.day) >= dayValue(first.day!) && dayValue(s.day) <= dayValue(first.endDay ?? first.day!),
    );
    if (precise) {
      primary = precise;
      startTime = precise.time;
      endTime = precise.endTime;
      endDay = precise.endDay ?? (first.endDay && !precise.endDay && precise.endTime ? undefined : first.endDay);
    } else {
      // Otherwise the times come from the next span that has one ("June 10-11, 9:00 to 18:00").
      const timed = events.find((s) => s.time && s.index > first.index) ?? events.find((s) => s.time);
      if (timed) {
        startTime = timed.time;
        endTime = timed.endTime;
      }
    }
  }
  if (primary?.day) {
    const day = primary.day;
    const others = dated.filter((s) => {
      if (s === primary || !s.day) return false;
      const last = endDay ?? day;
      return dayValue(s.day) < dayValue(day) || dayValue(s.day) > dayValue(last);
    });
    if (others.length > 0) {
      warnings.push({
        field: 'startsAt',
        message: `${others.length + 1} dates found: used ${showDay(day)}; also found ${others.map((s) => `“${s.text.trim()}”`).join(', ')}`,
      });
    }
    when.approximate = new Date(Date.UTC(day.year, day.month - 1, day.day, 12));
    if (!startTime) {
      warnings.push({ field: 'startsAt', message: `“${primary.text.trim()}” gives no time of day: fill in the start and end` });
    } else {
      if (primary.relative) warnings.push({ field: 'startsAt', message: `“${primary.text.trim()}” read as ${showDay(day)}` });
      const offset = primary.offset;
      if (offset !== undefined) when.explicitOffset = offset;
      const start = instant(day, startTime, zone, offset);
      let end: string | undefined;
      if (endTime) end = instant(endDay ?? day, endTime, zone, offset);
      else if (prepared.durationMinutes) end = new Date(Date.parse(start) + prepared.durationMinutes * 60_000).toISOString();
      else if (endDay && !sameDay(endDay, day)) end = instant(endDay, startTime, zone, offset);
      if (end && Date.parse(end) <= Date.parse(start) && !endDay) {
        // "10pm until 1am": the end is on the next day.
        end = new Date(Date.parse(end) + 24 * 3_600_000).toISOString();
      }
      if (!end || Date.parse(end) <= Date.parse(start)) {
        end = new Date(Date.parse(start) + 3_600_000).toISOString();
        warnings.push({ field: 'endsAt', message: 'no end time: assumed 1 hour' });
      }
      when.startsAt = start;
      when.endsAt = end;
      if (Date.parse(start) < reference.getTime()) warnings.push({ field: 'startsAt', message: 'this start is in the past' });
    }
  } else if (events.some((s) => s.time)) {
    warnings.push({ field: 'startsAt', message: 'a time but no date found: fill in the date' });
  }
  for (const role of ['opens', 'closes'] as const) {
    const span = spans.find((s) => s.role === role && s.day);
    if (!span?.day) continue;
    // A day without a time: registration opens at its start and closes at its end.
    const clock = span.time ?? (role === 'opens' ? { hour: 0, minute: 0 } : { hour: 23, minute: 59 });
    const at = instant(span.day, clock, zone, span.offset);
    if (role === 'opens') when.registrationOpensAt = at;
    else when.registrationClosesAt = at;
  }
  return { when, warnings };
}
