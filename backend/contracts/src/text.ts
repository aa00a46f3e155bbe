import { z } from 'zod';

/**
 * The one rule for every string the API accepts. PostgreSQL cannot store U+0000 in `text` or
 * `jsonb`, and an unpaired UTF-16 surrogate has no UTF-8 form (JSONB refuses the `\ud800`
 * escape outright), so either one used to reach the database and become a 500, and inside a
 * batched write a 500 for every request in the batch. Both are refused here, at the edge.
 * Text is NFC-normalised so that one visible string has one stored form (search, uniqueness),
 * and bounded in characters (Unicode code points, as zod and JSON Schema's `maxLength` count them)
 * and in UTF-8 bytes (what the database and its indexes store).
 */

const hasNul = (s: string) => s.includes('\u0000');
/** In a `u` regex, a surrogate pair is one code point: only unpaired surrogates match. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/u;

/** UTF-8 length of a string without lone surrogates (a pair counts 2 + 2). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

/** True when a string can be stored as-is: no U+0000 and no unpaired surrogate. */
export function isStorableText(s: string): boolean {
  return !hasNul(s) && !LONE_SURROGATE.test(s);
}

/** Options of the string builders. */
export interface TextOptions {
  /** Fewest characters after normalising (and trimming); default 0. */
  min?: number;
  /** Most characters after normalising (and trimming). */
  max: number;
  /** Most UTF-8 bytes after normalising; default 3 × `max`, so only text that is mostly emoji or rarer scripts meets it. */
  maxBytes?: number;
  /** Trim surrounding white space before the length checks; default true for single-line strings, false for text. */
  trim?: boolean;
}

function storable(schema: z.ZodString, o: TextOptions): z.ZodString {
  const maxBytes = o.maxBytes ?? o.max * 3;
  // The generous raw bound runs first and stops parsing, so a megabyte string is never normalised.
  let s = schema
    .max(o.max * 4 + 64, { abort: true })
    .refine((v) => !hasNul(v), 'must not contain U+0000 (NUL)')
    .refine((v) => !LONE_SURROGATE.test(v), 'must not contain an unpaired UTF-16 surrogate')
    .overwrite((v) => v.normalize('NFC'));
  if (o.trim) s = s.trim();
  if (o.min !== undefined) s = s.min(o.min);
  return s.max(o.max).refine((v) => utf8Length(v) <= maxBytes, `must be at most ${maxBytes} bytes in UTF-8`);
}

/** Multi-line text (descriptions, free-text answers): the storage rule, NFC, bounded; line breaks and tabs allowed. */
export function text(o: TextOptions): z.ZodString {
  return storable(z.string(), { ...o, trim: o.trim ?? false });
}

/** One line (titles, names, labels, search terms): as `text`, trimmed by default, and no control characters at all. */
export function singleLine(o: TextOptions): z.ZodString {
  return storable(z.string(), { ...o, trim: o.trim ?? true }).refine(
    (v) => !LINE_BREAKING.test(v),
    'must be a single line without control characters',
  );
}

/** A person's display name: one line, 1–100 characters. */
export function personName(o: Partial<TextOptions> = {}): z.ZodString {
  return singleLine({ min: 1, max: 100, ...o });
}

/** An email address: trimmed, lower-cased, at most 254 characters (RFC 5321). */
export const emailSchema = singleLine({ max: 254 })
  .toLowerCase()
  .check(z.regex(z.regexes.email, 'must be a valid email address'))
  .meta({ format: 'email' });

/**
 * A password or other secret typed by a person: the storage rule and a bound, but neither
 * trimmed nor normalised, so that a hash made from the exact input before this rule still matches.
 */
export function secret(o: { min?: number; max: number }): z.ZodString {
  let s = z
    .string()
    .max(o.max, { abort: true })
    .refine((v) => !hasNul(v), 'must not contain U+0000 (NUL)')
    .refine((v) => !LONE_SURROGATE.test(v), 'must not contain an unpaired UTF-16 surrogate');
  if (o.min !== undefined) s = s.min(o.min, `must be at least ${o.min} characters`);
  return s;
}

/** A machine-made token (refresh token, ticket, cursor, OAuth parameter): printable ASCII only, bounded. */
export function opaque(o: { min?: number; max: number }): z.ZodString {
  return z
    .string()
    .min(o.min ?? 0)
    .max(o.max)
    .regex(/^[\x21-\x7e]*$/, 'must be printable ASCII');
}

/** The earliest and latest instants the API accepts: every database and date library agrees on them. */
export const EARLIEST_INSTANT = '1900-01-01T00:00:00.000Z';
export const LATEST_INSTANT = '9999-12-31T23:59:59.999Z';
const earliest = Date.parse(EARLIEST_INSTANT);
const latest = Date.parse(LATEST_INSTANT);

/** An ISO 8601 instant with an offset (`Z` or `±hh:mm`), between 1900 and 9999 in UTC. */
export function instant() {
  // abort: a value that is not an instant at all gets one message, not a second one for the range.
  return z.iso.datetime({ offset: true, abort: true }).refine((v) => {
    const t = Date.parse(v);
    return t >= earliest && t <= latest;
  }, 'must be between 1900-01-01 and 9999-12-31 (UTC)');
}
