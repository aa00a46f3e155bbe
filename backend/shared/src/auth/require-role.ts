import type { Request, RequestHandler } from 'express';
import type { Role } from '@secureevent/contracts';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { AuthUser, TokenVerifier } from './token-verifier.js';

/** Who may call a route: anyone, any signed-in user, or holders of one of the listed roles. */
export type Access = 'public' | 'user' | readonly Role[];

/** The caller named by the `Authorization: Bearer` header, if any; a malformed or bad token is UNAUTHENTICATED. */
export async function bearerUser(verifier: TokenVerifier, req: Request): Promise<AuthUser | undefined> {
  const header = req.get('authorization');
  if (!header) return undefined;
  const [scheme, token, ...rest] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Use an `Authorization: Bearer <token>` header.');
  }
  return verifier(token);
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless `user` satisfies `access`. */
export function authorize(user: AuthUser | undefined, access: Access): void {
  if (access === 'public') return;
  if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to use this endpoint.');
  if (Array.isArray(access) && !user.roles.some((r) => access.includes(r))) {
    throw new AppError(ErrorCode.FORBIDDEN, `This action needs one of the roles: ${access.join(', ')}.`);
  }
}

/** Express middleware: verifies the bearer token (when present) into `res.locals.user`. */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    res.locals.user = await bearerUser(verifier, req);
    next();
  };
}

/** Express middleware after `authenticate`: only holders of one of `roles` pass. Route tables use `access` instead. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    authorize(res.locals.user as AuthUser | undefined, roles);
    next();
  };
}
