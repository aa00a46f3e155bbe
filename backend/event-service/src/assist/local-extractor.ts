import type { DraftWarning, EventDraft } from '@secureevent/contracts';
import { looksLikeIcs, readIcs } from './ics.js';
import { chooseZone, findZones, offsetAt, type FoundZone } from './time-zones.js';
import { questionsFor, tagsFor } from './vocabulary.js';
import { prepare, readSpans, resolveWhen } from './when.js';

/**
 * The local provider: a deterministic extractor that needs no network and no key. It reads a
 * sentence, an invitation e-mail or an .ics file and fills only the fields the text supports;
 * every assumption comes back as a warning on its field. Rules per field:
 * - title: the .ics SUMMARY, else the e-mail's Subject (without "Invitation:", "Save the date –"
 *   and a trailing date), else the first sentence up to its date, time or first separator;
 * - start, end, time zone, registration window: see when.ts and time-zones.ts;
 * - online URL: the first Teams, Zoom, Meet, Webex, Whereby, Jitsi or GoToMeeting link;
 * - venue: a "Where:/Location:/Venue:" label, else "in/at/by the …" outside dates, else a short
 *   segment that names a place ("Room Turing", "Cafe Central", "Messe Berlin Hall 7");
 * - capacity: "200 seats", "max 25 people", "limited to 16 participants", "up to 120 …", "limit 20";
 * - visibility: only when the text says "internal only", "employees only", "invite only" …;
 * - tags: from the title, by a fixed vocabulary (vocabulary.ts); questions: by hints anywhere.
 */

export interface Extraction {
  draft: EventDraft;
  warnings: DraftWarning[];
}

export interface ExtractionContext {
  /** The organizer's zone, for times the text gives without one. */
  timeZone?: string | undefined;
  referenceTime: Date;
}

const MEETING_HOSTS =
  /(?:^|\.)(?:teams\.microsoft\.com|teams\.live\.com|zoom\.us|zoom\.com|meet\.google\.com|webex\.com|whereby\.com|meet\.jit\.si|gotomeeting\.com|gotomeet\.me|chime\.aws|bluejeans\.com)$/i;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'\\]+/gi;
const HEADER = /^(subject|from|to|cc|date|sent|when|where|organizer|title|event)\s*:\s*(.*)$/i;
const GREETING = /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|hallo)\b[^\n]{0,60}[,!:]?\s*$/i;
const DATEISH = new RegExp(
  [
    String.raw`\b(?:(?:next|this|coming|on)\s+)?(?:monday|mon|tuesday|tues?|wednesday|wed|thursday|thurs?|thu|friday|fri|saturday|sat|sunday|sun)\b`,
    String.raw`\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b`,
    String.raw`\b(?:today|tonight|tomorrow|noon|midday|midnight)\b`,
    String.raw`\b\d{4}-\d{2}-\d{2}`,
    String.raw`\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b`,
    String.raw`\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b`,
    String.raw`\b\d{1,2}:\d{2}\b`,
    String.raw`\b(?:first|second|third|fourth|last)\s+\w+day\b`,
  ].join('|'),
  'i',
);
const PLACE_WORDS =
  /\b(?:room|hall|auditorium|office|offices|floor|building|cafe|café|cafeteria|canteen|kitchen|bar|restaurant|hotel|cent(?:er|re)|lab|campus|hq|headquarters|park|beach|corner|library|lobby|atrium|terrace|rooftop|garden|studio|theat(?:er|re)|arena|venue|lounge|square|plaza|messe|schloss|castle|club|pub|street|st|ave|avenue|road|str)\b/i;
const ONLINE_WORDS = /^(?:zoom|teams|microsoft teams|webex|google meet|meet|online(?: only)?|virtual|remote|link|join)\b/i;
const NOT_VENUE =
  /\b(?:max|maximum|seats?|people|persons|participants|attendees|guests|tickets|limit(?:ed)?|dietary|t-?shirts?|please|bring|ask|let us know|tell us|rsvp|register|registration|welcome|provided|expected|available|minutes?|hours?|days?|only|tracks?)\b|[?]/i;
const CAPACITY_NOUNS =
  '(?:seats|places|spots|attendees|participants|people|persons|guests|tickets|hackers|delegates|pax|employees|colleagues)';
const CAPACITY_PATTERNS = [
  new RegExp(String.raw`\b(\d{1,3}(?:,\d{3})+|\d{1,7})\s*(?:\+\s*)?(?:[a-z]+\s+)?${CAPACITY_NOUNS}\b`, 'i'),
  /\b(?:limit(?:ed)?(?:\s+to)?|max(?:imum)?\.?(?:\s+of)?|capacity(?:\s+of|:)?|up to)\s+(\d{1,7})\b/i,
];

/** Reads a draft out of `input`. Pure: the same text, zone and reference time give the same draft. */
export function extractLocally(input: string, ctx: ExtractionContext): Extraction {
  const text = input
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .trim();
  if (looksLikeIcs(text)) {
    const ics = readIcs(text, ctx.timeZone);
    if (ics) {
      const draft: EventDraft = { ...ics.draft };
      const warnings = [...ics.warnings];
      const online = meetingUrl(ics.text);
      if (online) draft.onlineUrl = online;
      const categories = /^CATEGORIES[^:]*:(.*)$/im.exec(text)?.[1];
      const tags = tagsFor([draft.title ?? '', categories ?? ''].join(' '));
      if (tags.length) draft.tags = tags;
      const questions = questionsFor(ics.text);
      if (questions.length) draft.questions = questions;
      const capacity = capacityIn(ics.text);
      if (capacity) draft.capacity = capacity;
      return { draft, warnings };
    }
  }
  return extractFromText(text, ctx);
}

function extractFromText(text: string, ctx: ExtractionContext): Extraction {
  const draft: EventDraft = {};
  const warnings: DraftWarning[] = [];
  const { headers, body } = splitHeaders(text);

  const online = meetingUrl(text);
  if (online) draft.onlineUrl = online;
  const stripped = text.replace(URL_PATTERN, (m) => ' '.repeat(m.length));

  // The zone first: numeric dates are month-first in the Americas, and relative days depend on it.
  const zones = findZones(stripped);
  const preliminary = chooseZone(zones, ctx.timeZone, ctx.referenceTime);
  const monthFirst = preliminary.zone.startsWith('America/');
  const referenceYear = new Date(ctx.referenceTime.getTime() + offsetAt(preliminary.zone, ctx.referenceTime) * 60_000).getUTCFullYear();
  const prepared = prepare(stripped, monthFirst, referenceYear);
  const spans = readSpans(prepared.text, ctx.referenceTime, offsetAt(preliminary.zone, ctx.referenceTime));
  const firstGuess = resolveWhen(spans, preliminary.zone, prepared, ctx.referenceTime);
  const offsetZones: FoundZone[] =
    firstGuess.when.explicitOffset !== undefined
      ? [{ zone: 'UTC', source: 'offset', index: -1, ambiguous: true, offsetMinutes: firstGuess.when.explicitOffset }]
      : [];
  const at = firstGuess.when.approximate ?? ctx.referenceTime;
  const chosen = chooseZone([...offsetZones, ...zones], ctx.timeZone, at);
  const { when, warnings: whenWarnings } =
    chosen.zone === preliminary.zone ? firstGuess : resolveWhen(spans, chosen.zone, prepared, ctx.referenceTime);
  warnings.push(...whenWarnings);
  if (when.startsAt) {
    draft.startsAt = when.startsAt;
    if (when.endsAt) draft.endsAt = when.endsAt;
    draft.timeZone = chosen.zone;
    if (!chosen.from) {
      warnings.push({
        field: 'timeZone',
        message: ctx.timeZone
          ? `no time zone in the text: used yours (${chosen.zone})`
          : 'no time zone in the text or the request: used UTC',
      });
    } else if (chosen.from.ambiguous && chosen.zone !== ctx.timeZone) {
      warnings.push({ field: 'timeZone', message: `“${chosen.from.source.trim()}” read as ${chosen.zone}` });
    }
  }
  if (when.registrationOpensAt) draft.registrationOpensAt = when.registrationOpensAt;
  if (when.registrationClosesAt) draft.registrationClosesAt = when.registrationClosesAt;
  if (draft.startsAt && draft.registrationClosesAt && Date.parse(draft.registrationClosesAt) > Date.parse(draft.startsAt)) {
    warnings.push({ field: 'registrationClosesAt', message: 'registration closes after the event starts' });
  }

  let title = titleOf(headers, body);
  const venue = venueOf(body, title, headers);
  if (venue) {
    draft.venue = venue;
    // "Summer BBQ on the rooftop terrace, …": the place is not part of the title.
    const at = title?.toLowerCase().search(new RegExp(`\\s(?:on|in|at)\\s+(?:the\\s+)?${escapeRegExp(venue.toLowerCase())}`));
    if (title && at !== undefined && at > 2) title = title.slice(0, at);
  }
  if (title) draft.title = title;
  const capacity = capacityIn(stripped);
  if (capacity) draft.capacity = capacity;
  const visibility = visibilityIn(stripped);
  if (visibility) draft.visibility = visibility;
  const tags = tagsFor(title ?? '');
  if (tags.length) draft.tags = tags;
  const questions = questionsFor(stripped);
  if (questions.length) draft.questions = questions;
  const description = descriptionOf(body);
  if (description) draft.description = description;
  return { draft, warnings };
}

/** Leading e-mail headers ("Subject:", "From:") and the rest. */
function splitHeaders(text: string): { headers: Map<string, string>; body: string } {
  const headers = new Map<string, string>();
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^(subject|from|to|cc|date|sent)\s*:\s*(.*)$/i.exec(lines[i] ?? '');
    if (!m) break;
    headers.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  return { headers, body: lines.slice(i).join('\n').trim() };
}

function meetingUrl(text: string): string | undefined {
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = m[0].replace(/[.,;:!?)\]}>]+$/, '');
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' && MEETING_HOSTS.test(parsed.hostname) && url.length <= 2000) return url;
    } catch {
      // not a URL after all
    }
  }
  return undefined;
}

function capacityIn(text: string): number | undefined {
  for (const pattern of CAPACITY_PATTERNS) {
    const m = pattern.exec(text);
    if (m?.[1]) {
      const n = Number(m[1].replace(/,/g, ''));
      if (Number.isInteger(n) && n >= 1 && n <= 1_000_000) return n;
    }
  }
  return undefined;
}

function visibilityIn(text: string): EventDraft['visibility'] {
  if (/\b(?:invite|invitation)[- ]only\b|\bby invitation\b|\bprivate event\b/i.test(text)) return 'private';
  if (/\binternal(?:[- ]only|\s+event)\b|\b(?:employees|staff)[- ]only\b|\bfor (?:all )?employees\b/i.test(text)) return 'internal';
  if (/\bopen to (?:the )?public\b|\bpublic event\b/i.test(text)) return 'public';
  return undefined;
}

const TITLE_PREFIX =
  /^(?:(?:fwd?|fw|re|aw|wg)\s*:\s*)*(?:(?:updated\s+)?invitation|invite|save the date|reminder|announcement|new event)\s*(?::|–|—|-)\s*/i;
const INVITING =
  /^(?:please\s+)?(?:join us (?:for|at)|you(?:'re| are) invited to|we invite you to|come to|you are welcome to)\s+(?:the|our|a|an)?\s*/i;
const HOLDING =
  /^(?:the\s+)?[\w&' -]{0,40}?\b(?:will|would like to|is going to|are going to|is|are)\s+(?:hold(?:ing)?|host(?:ing)?|run(?:ning)?|organi[sz](?:e|ing)|hav(?:e|ing))\s+(?:a|an|the|our)?\s*/i;
const LABEL_PREFIX = /^(?:internal(?:\s+only)?|private|public|event|title)\s*:\s*/i;

function titleOf(headers: Map<string, string>, body: string): string | undefined {
  const subject = headers.get('subject');
  const labelled = /^(?:title|event)\s*:\s*(.+)$/im.exec(body)?.[1];
  let candidate = subject ?? labelled;
  if (candidate) {
    candidate = candidate.replace(TITLE_PREFIX, '');
  } else {
    const line = body
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !GREETING.test(l) && !HEADER.test(l));
    if (!line) return undefined;
    // Skip a leading sentence about registration ("Registration opens March 8 …").
    const sentences = line.split(/(?<=[.!?])\s+/);
    candidate = sentences.find((s) => !/^(?:registration|sign[- ]?ups?|rsvp)\b/i.test(s)) ?? sentences[0] ?? line;
    candidate = candidate.replace(LABEL_PREFIX, '').replace(INVITING, '').replace(HOLDING, '');
  }
  const date = candidate.search(DATEISH);
  if (date > 0) candidate = candidate.slice(0, date);
  // A subject line is a title already; a sentence is cut at its first separator — unless that
  // leaves a single word ("Webinar – Zero trust in practice"), when the next one is taken.
  const separators = subject
    ? /,\s+(?=\S*\d)|\s\((?!certified|beta|part\b)/g
    : /,\s|\s[—–|-]\s|[.!?](?:\s|$)|\s\((?!certified|beta|part\b)|;/g;
  for (const m of candidate.matchAll(separators)) {
    const head = candidate.slice(0, m.index).trim();
    if (head.split(/\s+/).length > 1 || /[.!?;(]/.test(m[0])) {
      candidate = candidate.slice(0, m.index);
      break;
    }
  }
  candidate = candidate
    .replace(/\s+(?:on|at|from|this|next|in|starting|by|–|—|-|,|\|)\s*$/i, '')
    .replace(/[\s:,;–—|-]+$/, '')
    .trim();
  if (candidate.length < 3) return undefined;
  return (candidate[0]!.toUpperCase() + candidate.slice(1)).slice(0, 200);
}

/** The place: a label, a preposition outside dates, or a segment naming a place. */
function venueOf(body: string, title: string | undefined, headers: Map<string, string>): string | undefined {
  const label = /(?:^|\n|[.!?]\s+)\s*(?:where|location|venue|place|ort)\s*:\s*([^\n]+?)(?:\.\s|\.?$|\n)/im.exec(body);
  if (label?.[1] && !ONLINE_WORDS.test(label[1].trim())) return clean(label[1]);

  // Dates, times and links blanked (same length), so "at noon" or "at 10am" is never a place.
  const blankAll = (s: string) => s.replace(/[^\n]/g, ' ');
  const masked = body.replace(URL_PATTERN, blankAll).replace(new RegExp(DATEISH.source, 'gi'), blankAll);
  const sentences = splitSentences(body, masked);
  for (const { raw, masked } of sentences) {
    const m = /\b(?:in|at|by|on(?= the\s+(?:[a-z]+\s+)?(?:rooftop|terrace|roof|lawn|beach|boat|ship|patio|deck|balcony)\b)) (the )?(?=\S)/g;
    for (const hit of masked.matchAll(m)) {
      const startIdx = hit.index + hit[0].length;
      const rest = raw.slice(startIdx);
      const restMasked = masked.slice(startIdx);
      if (!/^\S/.test(restMasked) || /^\s/.test(restMasked)) continue; // the words right after are a blanked date or link
      const candidate = venueSegments(rest.split(/\s+(?:for|with|from|on|starting|until|to)\s+/)[0] ?? '');
      if (candidate && (hit[1] || /^[A-Z0-9'"]/.test(candidate)) && (PLACE_WORDS.test(candidate) || /^[A-Z'"]/.test(candidate))) {
        // Not the title itself ("Coffee chat with the CEO" has no place); a place named inside it is cut from it later.
        const inTitle = title?.toLowerCase().includes(candidate.toLowerCase()) ?? false;
        if (inTitle && !(hit[1] && PLACE_WORDS.test(candidate))) continue; // "Women in Tech Munich" names no place
        if (!title || !title.toLowerCase().startsWith(candidate.toLowerCase())) return clean(candidate);
      }
    }
  }
  // A segment on its own: ", Canteen.", " | Room 5.01 |".
  const segments = body
    .split(/\n|(?<!\b(?:str|st|ave|no|nr|max|dr|mr|ms|approx))[.!?;](?:\s|$)|,\s|\s[|+]\s|\s[—–]\s/i)
    .map((s) => s.trim())
    .filter(Boolean);
  const picked: string[] = [];
  for (const segment of segments) {
    const venueLike = isPlace(segment, title, headers);
    if (venueLike) picked.push(segment.replace(/[\s+|]+$/, ''));
    else if (picked.length) break;
  }
  return picked.length ? clean(picked.join(', ')) : undefined;
}

function splitSentences(raw: string, masked: string): { raw: string; masked: string }[] {
  const out: { raw: string; masked: string }[] = [];
  const re = /[^\n.!?;]+(?:\.(?=\S)[^\n.!?;]*)*[.!?;]?/g;
  for (const m of raw.matchAll(re)) out.push({ raw: m[0], masked: masked.slice(m.index, m.index + m[0].length) });
  return out;
}

/** From "Training Room B, 2nd floor, max 20 people" keep the place: "Training Room B, 2nd floor". */
function venueSegments(rest: string): string | undefined {
  const kept: string[] = [];
  for (const part of rest.split(/,\s*/)) {
    // An unclosed bracket opens a remark, not the place: "Main Hall (also streamed on …".
    const unclosed = part.indexOf('(') >= 0 && part.indexOf(')', part.indexOf('(')) < 0;
    const p = (unclosed ? part.slice(0, part.indexOf('(')) : part).replace(/[.!?;:]+$/, '').trim();
    if (!p || NOT_VENUE.test(p) || DATEISH.test(p) || ONLINE_WORDS.test(p) || /https?:/.test(p)) break;
    kept.push(p);
    if (unclosed) break;
    if (/[.!?;]$/.test(part.trim()) && !/\b(?:str|st|ave|no)\.$/i.test(part.trim())) break;
  }
  return kept.length ? kept.join(', ') : undefined;
}

function isPlace(segment: string, title: string | undefined, headers: Map<string, string>): boolean {
  const s = segment.replace(/[\s+|]+$/, '');
  const words = s.split(/\s+/);
  if (!s || words.length > 6 || s.includes(':') || /https?:/.test(s)) return false;
  if (title && (s.toLowerCase().includes(title.toLowerCase()) || title.toLowerCase().includes(s.toLowerCase()))) return false;
  if ([...headers.values()].some((v) => v.includes(s))) return false;
  if (NOT_VENUE.test(s) || DATEISH.test(s) || ONLINE_WORDS.test(s) || /\b(?:UTC|GMT|CET|CEST|ET|PT|JST)\b/.test(s)) return false;
  if (/^\(?[A-Z][a-z]+(?:\s+time)?\)?$/.test(s) && /time\)?$|^\(/.test(s)) return false;
  if (PLACE_WORDS.test(s)) return true;
  const significant = words.filter((w) => !/^(?:of|the|and|de|la|le|am|an|im|&)$/i.test(w));
  const capitalised = significant.filter((w) => /^[A-Z0-9'"]/.test(w)).length;
  return significant.length > 0 && capitalised / significant.length >= 2 / 3 && /^[A-Z0-9]/.test(s);
}

function clean(venue: string): string {
  return venue
    .replace(/^(?:the)\s+/i, '')
    .replace(/[\s.,;:!?+|–—-]+$/, '')
    .trim()
    .slice(0, 300);
}

/** Longer texts (e-mails) keep their body as the description; a one-line text says nothing more than its fields. */
function descriptionOf(body: string): string | undefined {
  const lines = body.split('\n');
  if (lines.filter((l) => l.trim()).length < 2) return undefined;
  return body.replace(URL_PATTERN, (m) => `<${m}>`).slice(0, 20_000);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
