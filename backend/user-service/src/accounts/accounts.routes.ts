import { AppError, createRouteTable, ErrorCode, type TokenVerifier, problemResponse as problem } from '@secureevent/shared';
import {
  changePasswordRequestSchema,
  loginRequestSchema,
  mfaChallengeSchema,
  registerRequestSchema,
  tokenResponseSchema,
  updateMeRequestSchema,
  userSchema,
} from '@secureevent/contracts';
import { z } from 'zod';
import type { KeyStore } from '../keys/key-store.js';
import { currentUser } from '../sessions/sessions.js';
import { originOf, setRefreshCookie } from '../sessions/session-cookie.js';
import type { AccountsContext } from './accounts-context.js';
import { requestLocale } from './email-links.routes.js';
import { registerUser } from './register-user.js';
import { afterPassword } from '../mfa/mfa-sign-in.js';
import { checkSignInPassword } from './sign-in.js';
import { updateMe } from './update-me.js';
import { toUser } from './users.repository.js';

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'JWKS' });

/**
 * POST  /api/auth/register                sign up (attendee)
 * POST  /api/auth/login                   sign in: access token + refresh cookie (or body), or the second-factor step
 * GET   /api/auth/.well-known/jwks.json   public verification keys
 * GET   /api/users/me                     the caller's account
 * PATCH /api/users/me                     display name, language, time zone, email (verified first), password
 * POST  /api/users/me/password            change the password (the current one is required)
 */
export function accountsRoutes(ctx: AccountsContext, verifier: TokenVerifier, keys: KeyStore) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'post',
    path: '/api/auth/register',
    operationId: 'register',
    summary: 'Create an account',
    tags: ['auth'],
    access: 'public',
    body: registerRequestSchema,
    responses: {
      201: { description: 'The new user', schema: userSchema },
      400: problem('Invalid input or weak password'),
      409: problem('Email taken'),
      429: problem('Too many sign-ups from this address'),
    },
    handler: async ({ body, req }) => {
      const limit = await ctx.registrations.hit(req.ip ?? 'unknown');
      if (limit.blocked) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'Too many sign-ups from this address. Try again later.', {
          headers: { 'retry-after': String(limit.retryAfterSeconds) },
        });
      }
      return { status: 201, body: await registerUser(ctx, body, { locale: requestLocale(req) }) };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/auth/login',
    operationId: 'login',
    summary: 'Sign in with email and password',
    tags: ['auth'],
    access: 'public',
    body: loginRequestSchema,
    responses: {
      200: {
        description:
          'An access token; the refresh token is set as an httpOnly cookie (and returned in the body with tokenDelivery "body"). With a second factor set up: an mfaToken for /api/auth/login/mfa instead',
        schema: z.union([tokenResponseSchema, mfaChallengeSchema]),
      },
      401: problem('Wrong email or password'),
      429: problem('Too many failed attempts (see Retry-After)'),
    },
    handler: async ({ body, req, res }) => {
      const origin = originOf(req);
      const outcome = await afterPassword(ctx, await checkSignInPassword(ctx, body, origin), origin, body.tokenDelivery);
      if (outcome.kind === 'challenge') return { status: 200, body: outcome.challenge, headers: { 'cache-control': 'no-store' } };
      const { session, mfaSetupRequired } = outcome;
      setRefreshCookie(res, session.refreshToken);
      const tokens = mfaSetupRequired ? { ...session.tokens, mfaSetupRequired } : session.tokens;
      return {
        status: 200,
        body: body.tokenDelivery === 'body' ? { ...tokens, refreshToken: session.refreshToken } : tokens,
        headers: { 'cache-control': 'no-store' },
      };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/auth/.well-known/jwks.json',
    operationId: 'jwks',
    summary: 'Public keys that verify access tokens',
    tags: ['auth'],
    access: 'public',
    responses: { 200: { description: 'JSON Web Key Set', schema: jwksSchema } },
    handler: async () => ({ status: 200, body: keys.publicJwks(), headers: { 'cache-control': 'public, max-age=300' } }),
  });
  routes.add({
    method: 'get',
    path: '/api/users/me',
    operationId: 'getMe',
    summary: "The caller's account",
    tags: ['users'],
    access: 'user',
    responses: { 200: { description: 'The user', schema: userSchema }, 401: problem('Not signed in'), 403: problem('Account disabled') },
    handler: async ({ user }) => ({ status: 200, body: toUser(await currentUser(ctx, user)) }),
  });
  routes.add({
    method: 'patch',
    path: '/api/users/me',
    operationId: 'updateMe',
    summary:
      'Change display name, language, time zone, email or password (email and password need the current password; a new email applies once the link mailed to it is followed)',
    tags: ['users'],
    access: 'user',
    body: updateMeRequestSchema,
    responses: {
      200: { description: 'The updated user', schema: userSchema },
      400: problem('Invalid input or wrong current password'),
      429: problem('Too many wrong passwords'),
    },
    handler: async ({ user, body, req }) => ({
      status: 200,
      body: await updateMe(ctx, user, body, originOf(req)),
    }),
  });
  routes.add({
    method: 'post',
    path: '/api/users/me/password',
    operationId: 'changeMyPassword',
    summary: 'Change the password; every other session is signed out and a notice is mailed',
    tags: ['users'],
    access: 'user',
    body: changePasswordRequestSchema,
    responses: {
      204: { description: 'Changed' },
      400: problem('Wrong current password, or a weak new one'),
      401: problem('Not signed in'),
      429: problem('Too many wrong passwords'),
    },
    handler: async ({ user, body, req }) => {
      await updateMe(ctx, user, body, originOf(req));
      return { status: 204 };
    },
  });
  return routes;
}
