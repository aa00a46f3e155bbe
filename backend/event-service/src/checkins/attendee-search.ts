import { normaliseTicketCode, TICKET_CODE_ALPHABET } from '@secureevent/contracts';
import { ACCENTED, EXPANDED, PLAIN } from '../db/migrations/0021-attendee-search.js';

const plainOf = new Map([...ACCENTED].map((c, i) => [c, PLAIN[i]!]));

/**
 * Text folded exactly as the database folds the people's `search_key` (migration 0021): letters
 * that stand for two expanded, accents dropped, lower case. Search compares folded to folded, so
 * "Muller" finds "Müller" in PostgreSQL and PGlite alike, without `unaccent`.
 */
export function foldForSearch(text: string): string {
  let s = text;
  for (const [from, to] of EXPANDED) s = s.split(from).join(to);
  return [...s]
    .map((c) => plainOf.get(c) ?? c)
    .join('')
    .toLowerCase();
}

/** A LIKE pattern's literal part: its wildcards and the escape character taken as themselves. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What a door search looks for: the start of a word of the name or email, and the start of a ticket code. */
export interface AttendeeQuery {
  /** Folded words; each must begin a word of the name or email. */
  words: string[];
  /** The canonical start of a ticket code, when the query can be one (2 characters or more). */
  codePrefix: string | null;
}

/** Reads the search box: words for names and emails, and a code prefix when the text can start a code. */
export function parseAttendeeQuery(q: string): AttendeeQuery {
  const words = foldForSearch(q).split(/\s+/).filter(Boolean).slice(0, 5);
  const compact = q.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  const canBeCode = compact.length >= 2 && compact.length <= 8 && [...compact].every((c) => TICKET_CODE_ALPHABET.includes(c));
  const codePrefix = canBeCode ? (compact.length === 8 ? (normaliseTicketCode(compact) ?? null) : compact) : null;
  return { words, codePrefix };
}
