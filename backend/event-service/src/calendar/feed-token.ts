import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url: exactly 43 characters of this alphabet. */
const FEED_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Calendar apps cannot send an Authorization header, so the feed URL itself is the credential.
 * Only its SHA-256 is stored: a leaked database does not leak working feed URLs. A plain hash is
 * enough (no salt, no slow KDF) because the token has 256 bits of entropy, not a password's.
 */
export function newFeedToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: feedTokenHash(token) };
}

/** The stored form of a token. Lookups go by this hash, so no comparison can leak the token by timing. */
export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `value` has the shape of a feed token (anything else is not worth a query). */
export function isFeedTokenShaped(value: string): boolean {
  return FEED_TOKEN_PATTERN.test(value);
}

/** The feed's path, relative to the API origin. */
export const feedPath = (token: string) => `/api/calendar/feed/${token}.ics`;
