import { createRouteTable, type TokenVerifier } from '@secureevent/shared';
import { problemSchema, refreshRequestSchema, sessionIdParamsSchema, sessionListSchema, tokenResponseSchema } from '@secureevent/contracts';
import { problemResponse as problem } from '@secureevent/shared';
import { endOtherSessions, endSession, listSessions } from './manage-sessions.js';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { clearRefreshCookie, originOf, presentedRefreshToken, setRefreshCookie } from './session-cookie.js';
import { refreshSession, signOut, signOutEverywhere } from './sessions.js';

/**
 * POST /api/auth/refresh      rotate the refresh token (cookie or body), get a new access token
 * POST /api/auth/logout       sign out this session
 * POST /api/auth/logout-all   sign out every session of the caller
 * GET    /api/users/me/sessions                the caller's live sessions
 * DELETE /api/users/me/sessions/:id            end one of them
 * POST   /api/users/me/sessions/revoke-others  end all but this one
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
  routes.add({
    method: 'get',
    path: '/api/users/me/sessions',
    operationId: 'listMySessions',
    summary: "The caller's live sessions (where and when each was last used)",
    tags: ['users'],
    access: 'user',
    responses: { 200: { description: 'Sessions, most recently used first', schema: sessionListSchema }, 401: problem('Not signed in') },
    handler: async ({ user }) => ({ status: 200, body: await listSessions(ctx, user), headers: { 'cache-control': 'no-store' } }),
  });
  routes.add({
    method: 'delete',
    path: '/api/users/me/sessions/:id',
    operationId: 'endMySession',
    summary: 'End one of the caller’s sessions',
    tags: ['users'],
    access: 'user',
    params: sessionIdParamsSchema,
    responses: { 204: { description: 'Ended' }, 401: problem('Not signed in'), 404: problem('No such session of yours') },
    handler: async ({ user, params, req }) => {
      await endSession(ctx, user, params.id, originOf(req));
      return { status: 204 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/users/me/sessions/revoke-others',
    operationId: 'endMyOtherSessions',
    summary: 'End every session of the caller but this one',
    tags: ['users'],
    access: 'user',
    responses: {
      204: { description: 'The others are ended' },
      401: problem('Not signed in'),
      409: problem('The token belongs to no session'),
    },
    handler: async ({ user, req }) => {
      await endOtherSessions(ctx, user, originOf(req));
      return { status: 204 };
    },
  });
  return routes;
}
