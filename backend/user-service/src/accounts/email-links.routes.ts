import { createRouteTable, type Limiter, type TokenVerifier, AppError, ErrorCode, problemResponse as problem } from '@secureevent/shared';
import { passwordResetConfirmSchema, passwordResetRequestSchema, verifyEmailRequestSchema } from '@secureevent/contracts';
import type { Request } from 'express';
import { originOf } from '../sessions/session-cookie.js';
import type { AccountsContext } from './accounts-context.js';
import { mailLocale } from './account-mail.js';
import { confirmPasswordReset, requestPasswordReset } from './reset-password.js';
import { resendVerification, verifyEmail } from './verify-email.js';

/** The limits on mailed links: reset requests per address and per IP, verification resends per user. */
export interface EmailLinkLimits {
  resetsPerIp: Limiter;
  resetsPerEmail: Limiter;
  verificationsPerUser: Limiter;
}

/** The language the caller's browser asks for, for mail to someone not signed in. */
export const requestLocale = (req: Request) => mailLocale(req.acceptsLanguages('en', 'de', 'fr') || 'en');

/**
 * POST /api/auth/password-reset           mail a reset link (always 202)
 * POST /api/auth/password-reset/confirm   set a new password with the link's token
 * POST /api/auth/verify-email             confirm an address with the link's token
 * POST /api/users/me/email-verification   mail a fresh verification link
 */
export function emailLinksRoutes(ctx: AccountsContext, verifier: TokenVerifier, limits: EmailLinkLimits) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'post',
    path: '/api/auth/password-reset',
    operationId: 'requestPasswordReset',
    summary: 'Mail a password-reset link (valid 30 minutes) if an account has this email; the answer never says whether one does',
    tags: ['auth'],
    access: 'public',
    body: passwordResetRequestSchema,
    responses: {
      202: { description: 'Accepted (whether or not the account exists)' },
      429: problem('Too many requests from this address'),
    },
    handler: async ({ body, req }) => {
      const limit = await limits.resetsPerIp.hit(req.ip ?? 'unknown');
      if (limit.blocked) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'Too many reset requests from this address. Try again later.', {
          headers: { 'retry-after': String(limit.retryAfterSeconds) },
        });
      }
      // Not awaited: the answer and its timing are the same whether the account exists or not.
      requestPasswordReset(ctx, limits.resetsPerEmail, body.email, requestLocale(req), originOf(req)).catch((err: unknown) =>
        ctx.logger.error({ err }, 'password reset request failed'),
      );
      return { status: 202 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/auth/password-reset/confirm',
    operationId: 'confirmPasswordReset',
    summary: 'Set a new password with the token from a reset link; every session of the account is signed out',
    tags: ['auth'],
    access: 'public',
    body: passwordResetConfirmSchema,
    responses: {
      204: { description: 'Password changed; sign in with it' },
      400: problem('Weak password, or a link that is unknown, used or expired (INVALID_TOKEN)'),
    },
    handler: async ({ body, req }) => {
      await confirmPasswordReset(ctx, body, originOf(req));
      return { status: 204 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/auth/verify-email',
    operationId: 'verifyEmail',
    summary: 'Confirm an email address with the token from a verification link',
    tags: ['auth'],
    access: 'public',
    body: verifyEmailRequestSchema,
    responses: {
      204: { description: 'The address is confirmed' },
      400: problem('A link that is unknown, used or expired (INVALID_TOKEN)'),
      409: problem('Another account took this address meanwhile'),
    },
    handler: async ({ body, req }) => {
      await verifyEmail(ctx, body.token, originOf(req));
      return { status: 204 };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/users/me/email-verification',
    operationId: 'resendEmailVerification',
    summary: "Mail a fresh verification link to the caller's address (nothing when it is verified already)",
    tags: ['users'],
    access: 'user',
    responses: { 202: { description: 'Sent, or nothing to send' }, 401: problem('Not signed in'), 429: problem('Sent a moment ago') },
    handler: async ({ user, req }) => {
      await resendVerification(ctx, limits.verificationsPerUser, user, requestLocale(req));
      return { status: 202 };
    },
  });
  return routes;
}
