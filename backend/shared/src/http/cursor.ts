import type { z } from 'zod';
import { instant, isStorableText } from '@secureevent/contracts';
import { AppError, ErrorCode } from '../errors/app-error.js';

const isoInstantLike = /^\d{4}-\d\d-\d\dT/;
const instantSchema = instant();

/**
 * Whether every string inside a decoded cursor could have come from this API: storable (no NUL,
 * no unpaired surrogate), short, and, where it is an instant, inside the accepted date range.
 * A cursor is only ever a sort key we encoded ourselves, so anything else is forged.
 */
function isPlausibleKey(value: unknown, depth = 0): boolean {
  if (depth > 3) return false;
  if (typeof value === 'string') {
    return value.length <= 100 && isStorableText(value) && (!isoInstantLike.test(value) || instantSchema.safeParse(value).success);
  }
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value === 'boolean') return true;
  if (Array.isArray(value)) return value.length <= 10 && value.every((v) => isPlausibleKey(v, depth + 1));
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length <= 10 && entries.every(([k, v]) => isPlausibleKey(k, depth + 1) && isPlausibleKey(v, depth + 1));
  }
  return false;
}

/**
 * An opaque keyset-paging cursor: the sort key of the last item, base64url-encoded JSON.
 * A cursor that does not decode to `schema`, or holds a string the API would never have put in
 * it (NUL, an unpaired surrogate, an instant outside 1900–9999), is a validation error (400),
 * never a 500.
 */
export function cursorCodec<T extends object>(schema: z.ZodType<T>) {
  const invalid = () =>
    new AppError(ErrorCode.VALIDATION_FAILED, 'The cursor is not valid.', {
      errors: [{ field: 'query.cursor', message: 'must be a cursor returned by this endpoint' }],
    });
  return {
    encode: (key: T): string => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decode: (cursor: string | undefined): T | undefined => {
      if (!cursor) return undefined;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      if (!isPlausibleKey(decoded)) throw invalid();
      const result = schema.safeParse(decoded);
      if (!result.success) throw invalid();
      return result.data;
    },
  };
}

/** Splits a `limit + 1` result into a page and the cursor of the next one. */
export function toPage<I, K extends object>(items: I[], limit: number, keyOf: (item: I) => K, encode: (key: K) => string) {
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return { items: page, nextCursor: items.length > limit && last !== undefined ? encode(keyOf(last)) : null };
}
