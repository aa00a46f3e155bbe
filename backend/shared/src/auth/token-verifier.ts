import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { roleSchema, type Role } from '@secureevent/contracts';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';

/** The authenticated caller, as every service sees it. */
export interface AuthUser {
  id: string;
  roles: Role[];
  /** The session (refresh-token family) the token was issued for, when it came from one. */
  sessionId?: string | undefined;
  /** Whether the account's email address was confirmed when the token was issued (`email_verified`). */
  emailVerified?: boolean | undefined;
}

/** Verifies a bearer access token and returns the caller, or throws UNAUTHENTICATED. */
export type TokenVerifier = (token: string) => Promise<AuthUser>;

/** The algorithm access tokens are signed with; verification accepts nothing else. */
export const ACCESS_TOKEN_ALG = 'EdDSA';

/** How far ahead of this clock a token's `iat` may be (clock skew between replicas); beyond that it is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

const claimsSchema = z.object({
  sub: z.string().regex(/^usr_[0-9a-z]{25}$/),
  roles: z.array(roleSchema),
  sid: z.string().max(40).optional(),
  email_verified: z.boolean().optional(),
});

/**
 * Local token verification: no call to the user-service per request. The algorithm, issuer and
 * audience are pinned, so a token for another audience or an `alg: none` token is refused; so is a
 * token whose `iat` lies more than `MAX_CLOCK_SKEW_SECONDS` in the future.
 */
export function createTokenVerifier(options: { keys: JWTVerifyGetKey; issuer: string; audience: string }): TokenVerifier {
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [ACCESS_TOKEN_ALG],
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      });
      // jose checks `iat` only when a maximum age is set; a token "issued" in the future is a forgery or a broken clock.
      if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) throw new Error('iat in the future');
      const claims = claimsSchema.parse(payload);
      return { id: claims.sub, roles: claims.roles, sessionId: claims.sid, emailVerified: claims.email_verified === true };
    } catch {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'The access token is missing, expired or invalid.');
    }
  };
}

/** A JWKS fetched from the user-service, cached, and refetched when a token names an unknown `kid`. */
export function remoteJwks(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5000 });
}

/** True when the user holds at least one of `roles`. */
export function hasRole(user: AuthUser | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

/** Ownership check: the caller owns the resource or is an admin; otherwise FORBIDDEN (or NOT_FOUND to hide it). */
export function assertOwnerOrAdmin(user: AuthUser, ownerIds: readonly string[], hide = false): void {
  if (ownerIds.includes(user.id) || user.roles.includes('admin')) return;
  throw hide
    ? new AppError(ErrorCode.NOT_FOUND, 'No such resource.')
    : new AppError(ErrorCode.FORBIDDEN, 'You may not manage this resource.');
}
