import { createRouteTable, type TokenVerifier, problemResponse as problem } from '@secureevent/shared';
import {
  adminUserPageSchema,
  adminUserSchema,
  listUsersQuerySchema,
  setRolesRequestSchema,
  userIdParamsSchema,
} from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { originOf } from '../sessions/session-cookie.js';
import { listUsers, setAccountDisabled, setRoles } from './manage-users.js';

/**
 * GET   /api/users               list and search users (admin)
 * PATCH /api/users/:id/roles     replace a user's roles (admin)
 * POST  /api/users/:id/disable   disable a user and revoke their sessions (admin)
 * POST  /api/users/:id/enable    enable a disabled user again (admin)
 */
export function adminRoutes(ctx: AccountsContext, verifier: TokenVerifier) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    summary: 'List users',
    tags: ['admin'],
    access: ['admin'],
    query: listUsersQuerySchema,
    responses: { 200: { description: 'A page of users', schema: adminUserPageSchema }, 403: problem('Not an admin') },
    handler: async ({ query }) => ({ status: 200, body: await listUsers(ctx, query) }),
  });
  routes.add({
    method: 'patch',
    path: '/api/users/:id/roles',
    operationId: 'setUserRoles',
    summary: "Replace a user's roles",
    tags: ['admin'],
    access: ['admin'],
    params: userIdParamsSchema,
    body: setRolesRequestSchema,
    responses: {
      200: { description: 'The user', schema: adminUserSchema },
      403: problem('Not an admin'),
      404: problem('No such user'),
      409: problem('Last admin'),
    },
    handler: async ({ user, params, body, req }) => ({
      status: 200,
      body: await setRoles(ctx, user, params.id, body.roles, originOf(req)),
    }),
  });
  // Disable and enable share everything but their names and disable's refusal to disable oneself.
  const accountState = { method: 'post' as const, tags: ['admin'], access: ['admin' as const], params: userIdParamsSchema };
  routes.add({
    ...accountState,
    path: '/api/users/:id/disable',
    operationId: 'disableUser',
    summary: 'Disable a user',
    responses: {
      200: { description: 'The user', schema: adminUserSchema },
      403: problem('Not an admin'),
      404: problem('No such user'),
      409: problem('Cannot disable yourself'),
    },
    handler: async ({ user, params, req }) => ({ status: 200, body: await setAccountDisabled(ctx, user, params.id, true, originOf(req)) }),
  });
  routes.add({
    ...accountState,
    path: '/api/users/:id/enable',
    operationId: 'enableUser',
    summary: 'Enable a disabled user again',
    responses: { 200: { description: 'The user', schema: adminUserSchema }, 403: problem('Not an admin'), 404: problem('No such user') },
    handler: async ({ user, params, req }) => ({ status: 200, body: await setAccountDisabled(ctx, user, params.id, false, originOf(req)) }),
  });
  return routes;
}
