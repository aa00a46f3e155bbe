import { createRouteTable, type TokenVerifier } from '@secureevent/shared';
import { problemSchema, refreshRequestSchema, tokenResponseSchema } from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { clearRefreshCookie, originOf, presentedRefreshToken, setRefreshCookie } from './session-cookie.js';
import { refreshSession, signOut, signOutEverywhere } from './sessions.js';

/**
 * POST /api/auth/refresh      rotate the refresh token (cookie or body), get a new access token
 * POST /api/auth/logout       sign out this session
 * POST /api/auth/logout-all   sign out every session of the caller
 */
export function sessionsRoutes(ctx: AccountsContext, verifier: TokenVerifier) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'post',
    path: '/api/auth/refresh',
    operationId: 'refresh',
    summary: 'Exchange a refresh token for a new access token and a new refresh token',
    tags: ['auth'],
    access: 'public',
    body: refreshRequestSchema,
    responses: {
      200: { description: 'New tokens', schema: tokenResponseSchema },
      401: { description: 'Expired, revoked or replayed', schema: problemSchema },
    },
    handler: async ({ body, req, res }) => {
      try {
        const session = await refreshSession(ctx, presentedRefreshToken(req, body), originOf(req));
        setRefreshCookie(res, session.refreshToken);
        // A client that sent the token in the body gets the next one in the body too.
        const inBody = body.refreshToken !== undefined || body.tokenDelivery === 'body';
        return {
          status: 200,
          body: inBody ? { ...session.tokens, refreshToken: session.refreshToken } : session.tokens,
          headers: { 'cache-control': 'no-store' },
        };
      } catch (err) {
        clearRefreshCookie(res);
        throw err;
      }
    },
  });
  routes.add({
    method: 'post',
    path: '/api/auth/logout',
    operationId: 'logout',
    summary: 'Sign out this session',
    tags: ['auth'],
    access: 'public',
    body: refreshRequestSchema,
    responses: { 204: { description: 'Signed out (also when the session was already gone)' } },
    handler: async ({ body, req, res }) => {
      await signOut(ctx, presentedRefreshToken(req, body), originOf(req));
      clearRefreshCookie(res);
      return { status: 204 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/auth/logout-all',
    operationId: 'logoutAll',
    summary: 'Sign out every session of the caller',
    tags: ['auth'],
    access: 'user',
    responses: { 204: { description: 'All sessions revoked' }, 401: { description: 'Not signed in', schema: problemSchema } },
    handler: async ({ user, req, res }) => {
      await signOutEverywhere(ctx, user, originOf(req));
      clearRefreshCookie(res);
      return { status: 204 };
    },
  });
  return routes;
}
