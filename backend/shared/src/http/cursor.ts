import type { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';

/**
 * An opaque keyset-paging cursor: the sort key of the last item, base64url-encoded JSON.
 * A cursor that does not decode to `schema` is a validation error (400), never a 500.
 */
export function cursorCodec<T extends object>(schema: z.ZodType<T>) {
  return {
    encode: (key: T): string => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decode: (cursor: string | undefined): T | undefined => {
      if (!cursor) return undefined;
      try {
        return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
      } catch {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'The cursor is not valid.', {
          errors: [{ field: 'query.cursor', message: 'must be a cursor returned by this endpoint' }],
        });
      }
    },
  };
}

/** Splits a `limit + 1` result into a page and the cursor of the next one. */
export function toPage<I, K extends object>(items: I[], limit: number, keyOf: (item: I) => K, encode: (key: K) => string) {
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return { items: page, nextCursor: items.length > limit && last !== undefined ? encode(keyOf(last)) : null };
}
