import { createRouteTable, type TokenVerifier, problemResponse as problem } from '@secureevent/shared';
import { organizerSearchQuerySchema, organizerSearchResultSchema } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { UsersDb } from '../db/schema.js';
import { searchOrganizers } from './search-organizers.js';

/**
 * GET /api/users/search?q=|ids=  people who may organize, by name or email, or by id (organizers, admins)
 */
export function directoryRoutes(db: Kysely<UsersDb>, verifier: TokenVerifier) {
  const routes = createRouteTable(verifier);
  routes.add({
    method: 'get',
    path: '/api/users/search',
    operationId: 'searchOrganizers',
    summary: 'People who may organize, by the start of a name or email, or by id: ids and names only',
    tags: ['directory'],
    access: ['organizer', 'admin'],
    query: organizerSearchQuerySchema,
    responses: {
      200: { description: 'Matches, by name', schema: organizerSearchResultSchema },
      403: problem('Neither an organizer nor an admin'),
    },
    handler: async ({ query }) => ({
      status: 200,
      body: await searchOrganizers(db, query),
      headers: { 'cache-control': 'no-store' },
    }),
  });
  return routes;
}
