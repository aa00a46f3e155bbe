import { AppError, createRouteTable, ErrorCode, type TokenVerifier, problemResponse as problem } from '@secureevent/shared';
import { eraseMeRequestSchema, privacyExportSchema, userIdParamsSchema } from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { originOf } from '../sessions/session-cookie.js';
import { eraseMe, eraseUser } from './erase-user.js';
import { exportMyData, type PrivacySources } from './export-my-data.js';

/**
 * GET    /api/users/me/export   everything every service holds about the caller, as one JSON file
 * DELETE /api/users/me          erase the caller's account (current password required)
 * DELETE /api/users/:id         erase a user's account (admin)
 */
export function privacyRoutes(ctx: AccountsContext, verifier: TokenVerifier, sources: PrivacySources) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'get',
    path: '/api/users/me/export',
    operationId: 'exportMyData',
    summary: 'Download everything SecureEvent holds about you (GDPR art. 15, 20), from every service',
    tags: ['privacy'],
    access: 'user',
    responses: {
      200: { description: 'The export, one part per service', schema: privacyExportSchema },
      401: problem('Not signed in'),
      503: problem('A service could not contribute its part (see Retry-After)'),
    },
    handler: async ({ user, req }) => {
      // The other services are asked with the caller's own token: they check it themselves.
      const token = req.get('authorization')?.split(' ')[1];
      if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to use this endpoint.');
      const body = await exportMyData(ctx, user, token, sources);
      return {
        status: 200,
        body,
        headers: {
          'cache-control': 'no-store',
          'content-disposition': `attachment; filename="secureevent-data-${user.id}.json"`,
        },
      };
    },
  });
  routes.add({
    method: 'delete',
    path: '/api/users/me',
    operationId: 'eraseMe',
    summary: 'Erase your account and your data in every service (GDPR art. 17); needs the current password',
    tags: ['privacy'],
    access: 'user',
    body: eraseMeRequestSchema,
    responses: {
      204: { description: 'Erased; every service erases its copies as it hears user.erased.v1' },
      400: problem('Wrong password'),
      401: problem('Not signed in'),
      409: problem('The last admin, or an account that signs in through the organisation'),
      429: problem('Too many wrong passwords'),
    },
    handler: async ({ user, body, req }) => {
      await eraseMe(ctx, user, body.password, originOf(req));
      return { status: 204 };
    },
  });
  routes.add({
    method: 'delete',
    path: '/api/users/:id',
    operationId: 'eraseUser',
    summary: "Erase a user's account and their data in every service (admin)",
    tags: ['admin', 'privacy'],
    access: ['admin'],
    params: userIdParamsSchema,
    responses: {
      204: { description: 'Erased' },
      403: problem('Not an admin'),
      404: problem('No such user, or already erased'),
      409: problem('Last admin'),
    },
    handler: async ({ user, params, req }) => {
      await eraseUser(ctx, user, params.id, originOf(req));
      return { status: 204 };
    },
  });
  return routes;
}
