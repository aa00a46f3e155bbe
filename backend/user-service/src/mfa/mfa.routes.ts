import { createRouteTable, problemResponse as problem, type TokenVerifier } from '@secureevent/shared';
import {
  disableTotpRequestSchema,
  loginMfaRequestSchema,
  mfaStatusSchema,
  recoveryCodesSchema,
  tokenResponseSchema,
  totpConfirmRequestSchema,
  totpSetupSchema,
} from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { originOf, setRefreshCookie } from '../sessions/session-cookie.js';
import { confirmTotp, disableTotp, mfaStatus, startTotpSetup } from './manage-totp.js';
import { completeMfaSignIn } from './mfa-sign-in.js';

const noStore = { 'cache-control': 'no-store' };

/**
 * GET    /api/users/me/mfa                 second-factor status, recovery codes left
 * POST   /api/users/me/mfa/totp            start setting up an authenticator app (secret + otpauth URL)
 * POST   /api/users/me/mfa/totp/confirm    confirm it with a code; get ten recovery codes, once
 * DELETE /api/users/me/mfa/totp            turn it off (current password, a code or a recovery code)
 * POST   /api/auth/login/mfa               second step of sign-in: mfaToken + code or recovery code
 */
export function mfaRoutes(ctx: AccountsContext, verifier: TokenVerifier) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'get',
    path: '/api/users/me/mfa',
    operationId: 'getMyMfa',
    summary: 'Whether a second factor is set up, how many recovery codes are left, and whether one is required',
    tags: ['users'],
    access: 'user',
    responses: { 200: { description: 'The status', schema: mfaStatusSchema }, 401: problem('Not signed in') },
    handler: async ({ user }) => ({ status: 200, body: await mfaStatus(ctx, user), headers: noStore }),
  });
  routes.add({
    method: 'post',
    path: '/api/users/me/mfa/totp',
    operationId: 'startTotpSetup',
    summary: 'Start setting up an authenticator app: a new secret, pending until confirmed with a code',
    tags: ['users'],
    access: 'user',
    responses: {
      200: { description: 'The secret and the otpauth URL (show it as a QR code)', schema: totpSetupSchema },
      401: problem('Not signed in'),
      409: problem('An authenticator app is already set up'),
    },
    handler: async ({ user, req }) => ({ status: 200, body: await startTotpSetup(ctx, user, originOf(req)), headers: noStore }),
  });
  routes.add({
    method: 'post',
    path: '/api/users/me/mfa/totp/confirm',
    operationId: 'confirmTotp',
    summary: 'Confirm the pending authenticator app with a code it shows; answers ten recovery codes, shown this once',
    tags: ['users'],
    access: 'user',
    body: totpConfirmRequestSchema,
    responses: {
      200: { description: 'Enabled; the recovery codes', schema: recoveryCodesSchema },
      400: problem('Wrong code'),
      401: problem('Not signed in'),
      409: problem('No set-up pending, or already enabled'),
      429: problem('Too many wrong codes (see Retry-After)'),
    },
    handler: async ({ user, body, req }) => ({ status: 200, body: await confirmTotp(ctx, user, body, originOf(req)), headers: noStore }),
  });
  routes.add({
    method: 'delete',
    path: '/api/users/me/mfa/totp',
    operationId: 'disableTotp',
    summary: 'Turn the authenticator app off (or cancel a pending set-up); needs the current password, a code or a recovery code',
    tags: ['users'],
    access: 'user',
    body: disableTotpRequestSchema,
    responses: {
      204: { description: 'Turned off; the recovery codes no longer work' },
      400: problem('Wrong password or code'),
      401: problem('Not signed in'),
      404: problem('No authenticator app is set up'),
      429: problem('Too many wrong attempts (see Retry-After)'),
    },
    handler: async ({ user, body, req }) => {
      await disableTotp(ctx, user, body, originOf(req));
      return { status: 204 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/auth/login/mfa',
    operationId: 'loginMfa',
    summary: 'Second step of sign-in: the mfaToken from /api/auth/login and a code or a recovery code',
    tags: ['auth'],
    access: 'public',
    body: loginMfaRequestSchema,
    responses: {
      200: {
        description: 'Signed in: as /api/auth/login (refresh token as a cookie, or in the body with tokenDelivery "body")',
        schema: tokenResponseSchema,
      },
      400: problem('The mfaToken is unknown, expired, used up or spent by wrong codes: sign in again'),
      401: problem('Wrong code'),
      429: problem('Too many wrong codes (see Retry-After)'),
    },
    handler: async ({ body, req, res }) => {
      const { session, delivery } = await completeMfaSignIn(ctx, body, originOf(req));
      setRefreshCookie(res, session.refreshToken);
      return {
        status: 200,
        body: delivery === 'body' ? { ...session.tokens, refreshToken: session.refreshToken } : session.tokens,
        headers: noStore,
      };
    },
  });
  return routes;
}
