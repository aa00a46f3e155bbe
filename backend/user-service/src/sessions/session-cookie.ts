import type { Request, Response } from 'express';
import { REFRESH_TOKEN_TTL_SECONDS } from './refresh-tokens.js';

/** The refresh cookie: httpOnly (no script can read it), Secure, SameSite=Strict, sent only to /api/auth. */
export const REFRESH_COOKIE = 'se_refresh';
const cookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/api/auth' } as const;

export function setRefreshCookie(res: Response, token: string): void {
  res.cookie(REFRESH_COOKIE, token, { ...cookieOptions, maxAge: REFRESH_TOKEN_TTL_SECONDS * 1000 });
}

export function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions);
}

/** The refresh token from the body (non-browser clients) or the cookie (browsers). */
export function presentedRefreshToken(req: Request, body: { refreshToken?: string | undefined } | undefined): string | undefined {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const fromCookie = cookies?.[REFRESH_COOKIE];
  return body?.refreshToken ?? (typeof fromCookie === 'string' ? fromCookie : undefined);
}

/** Who is calling from where, for the audit trail and the session list. */
export { originOf } from '@secureevent/shared';
