import type { Request } from 'express';
import { z } from 'zod';
import { AppError, createRouteTable, ErrorCode, type Limiter, type TokenVerifier } from '@secureevent/shared';
import { oidcConfigSchema, problemSchema, text, type OidcConfig } from '@secureevent/contracts';
import { originOf, setRefreshCookie } from '../sessions/session-cookie.js';
import { beginOidcSignIn, completeOidcSignIn, PENDING_SIGN_IN_SECONDS, type OidcContext } from './sign-in-with-oidc.js';

const START_PATH = '/api/auth/oidc/start';

/**
 * Binds a pending sign-in to the browser that started it. SameSite=Lax, not Strict: the callback
 * is a top-level navigation from the provider's site, and a Strict cookie would not come back.
 */
const STATE_COOKIE = 'se_oidc_state';
const stateCookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/api/auth/oidc' } as const;

const startQuerySchema = z.object({
  returnTo: text({ max: 2000 })
    .optional()
    .meta({ description: 'A path on this site to land on after sign-in (default `/`); anything else is ignored.' }),
});

const callbackQuerySchema = z
  .object({
    state: text({ max: 512 }).optional(),
    code: text({ max: 4096 }).optional(),
    error: text({ max: 256 }).optional(),
    error_description: text({ max: 1024 }).optional(),
    iss: text({ max: 1024 }).optional(),
  })
  .loose();

/** Enterprise sign-in when it is configured; without it only the config route answers (disabled). */
export interface OidcRoutesOptions {
  ctx: OidcContext;
  /** `PUBLIC_URL/api/auth/oidc/callback`: the base of the URL handed to the code exchange. */
  redirectUri: string;
  label?: string | undefined;
  /** Sign-ins started per IP: each holds a pending entry for 10 minutes. */
  startsPerIp: Limiter;
}

/**
 * GET /api/auth/oidc/config     public: whether enterprise sign-in is available, and where it starts
 * GET /api/auth/oidc/start      302 to the identity provider (authorization code + PKCE)
 * GET /api/auth/oidc/callback   the provider's redirect: sets the session cookie, 302 to `returnTo`
 */
export function oidcRoutes(verifier: TokenVerifier, oidc: OidcRoutesOptions | undefined) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'get',
    path: '/api/auth/oidc/config',
    operationId: 'oidcConfig',
    summary: 'Whether "Sign in with your company account" is available',
    tags: ['auth'],
    access: 'public',
    responses: { 200: { description: 'Enterprise sign-in settings for the web app', schema: oidcConfigSchema } },
    handler: async () => {
      const body: OidcConfig = oidc
        ? { enabled: true, startUrl: START_PATH, ...(oidc.label ? { label: oidc.label } : {}) }
        : { enabled: false, startUrl: null };
      return { status: 200, body };
    },
  });
  if (!oidc) return routes;

  routes.add({
    method: 'get',
    path: START_PATH,
    operationId: 'oidcStart',
    summary: 'Start signing in with the company identity provider (browser navigation)',
    tags: ['auth'],
    access: 'public',
    query: startQuerySchema,
    responses: {
      302: { description: 'To the identity provider; sets a short-lived state cookie' },
      429: { description: 'Too many sign-ins started from this address', schema: problemSchema },
      503: { description: 'The identity provider cannot be reached', schema: problemSchema },
    },
    handler: async ({ query, req, res }) => {
      const limit = await oidc.startsPerIp.hit(req.ip ?? 'unknown');
      if (limit.blocked) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'Too many sign-ins started from this address. Wait before trying again.', {
          headers: { 'retry-after': String(limit.retryAfterSeconds) },
        });
      }
      const { url, state } = await beginOidcSignIn(oidc.ctx, query.returnTo);
      res.cookie(STATE_COOKIE, state, { ...stateCookieOptions, maxAge: PENDING_SIGN_IN_SECONDS * 1000 });
      return { status: 302, headers: { location: url.href, 'cache-control': 'no-store' } };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/auth/oidc/callback',
    operationId: 'oidcCallback',
    summary: 'Where the identity provider sends the browser back (not called directly)',
    tags: ['auth'],
    access: 'public',
    query: callbackQuerySchema,
    responses: {
      302: { description: 'Signed in: the `se_refresh` cookie is set; to `returnTo`' },
      401: {
        description: 'Unknown, expired or foreign state, refused at the provider, or an answer that does not verify',
        schema: problemSchema,
      },
      403: { description: 'No verified email, or the account is disabled', schema: problemSchema },
      409: { description: 'The email belongs to an account linked to another identity at this provider', schema: problemSchema },
      503: { description: 'The identity provider cannot be reached', schema: problemSchema },
    },
    handler: async ({ query, req, res }) => {
      // Single use, whatever the outcome.
      res.clearCookie(STATE_COOKIE, stateCookieOptions);
      const session = await completeOidcSignIn(
        oidc.ctx,
        { state: query.state, browserState: browserState(req), error: query.error, url: callbackUrl(oidc.redirectUri, req) },
        originOf(req),
      );
      setRefreshCookie(res, session.refreshToken);
      return { status: 302, headers: { location: session.returnTo, 'cache-control': 'no-store' } };
    },
  });
  return routes;
}

function browserState(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[STATE_COOKIE];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The configured redirect URI plus the query string as received: the code exchange sends that
 * URI back to the provider, which compares it with the one in the authorization request. Taking
 * it from config rather than the Host header keeps it right behind proxies.
 */
function callbackUrl(redirectUri: string, req: Request): URL {
  const q = req.originalUrl.indexOf('?');
  return new URL(q >= 0 ? `${redirectUri}${req.originalUrl.slice(q)}` : redirectUri);
}
