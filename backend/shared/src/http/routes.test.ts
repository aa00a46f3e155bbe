import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { createRouteTable, problemResponse } from './routes.js';

const verifier: TokenVerifier = async () => {
  throw new AppError(ErrorCode.UNAUTHENTICATED, 'no tokens in this test');
};
const item = z.object({ id: z.string(), count: z.number() });

function table() {
  return createRouteTable(verifier);
}

/*
 * The compile-time half: each `@ts-expect-error` below is a handler whose answer does not match
 * the responses its route declares. `npm run typecheck` compiles this file, so if the route
 * types ever stop catching one of these, the unused directive fails the build.
 */
function mismatches() {
  const base = { method: 'get', path: '/x', operationId: 'x', summary: 'x', tags: ['x'], access: 'public' } as const;
  const routes = table();
  routes.add({
    ...base,
    responses: { 200: { description: 'ok', schema: item } },
    // @ts-expect-error a body field of the wrong type
    handler: async () => ({ status: 200, body: { id: 'a', count: '1' } }),
  });
  routes.add({
    ...base,
    responses: { 200: { description: 'ok', schema: item } },
    // @ts-expect-error a required body field missing
    handler: async () => ({ status: 200, body: { id: 'a' } }),
  });
  routes.add({
    ...base,
    responses: { 200: { description: 'ok', schema: item } },
    // @ts-expect-error a status the route does not declare
    handler: async () => ({ status: 201, body: { id: 'a', count: 1 } }),
  });
  routes.add({
    ...base,
    responses: { 204: { description: 'done' } },
    // @ts-expect-error a body where the route declares none
    handler: async () => ({ status: 204, body: { id: 'a' } }),
  });
  routes.add({
    ...base,
    responses: { 200: { description: 'csv', contentType: 'text/csv' } },
    // @ts-expect-error a raw body of another media type than declared
    handler: async () => ({ status: 200, raw: { contentType: 'text/html', content: '<p>' } }),
  });
  routes.add({
    ...base,
    responses: { 200: { description: 'csv', contentType: 'text/csv' } },
    // @ts-expect-error JSON where the route declares a raw body
    handler: async () => ({ status: 200, body: { id: 'a', count: 1 } }),
  });
  return routes;
}

describe('route table', () => {
  it('when handlers answer what their routes declare, then JSON, raw, streamed and empty answers are sent', async () => {
    async function* lines() {
      yield 'a,b\n';
      yield '1,2\n';
    }
    const routes = table()
      .add({
        method: 'get',
        path: '/api/items/:id',
        operationId: 'getItem',
        summary: 'One item',
        tags: ['t'],
        access: 'public',
        params: z.object({ id: z.string() }),
        responses: { 200: { description: 'The item', schema: item }, 404: problemResponse('No such item') },
        handler: async ({ params }) => ({ status: 200, body: { id: params.id, count: 2 } }),
      })
      .add({
        method: 'get',
        path: '/api/items.csv',
        operationId: 'exportItems',
        summary: 'Streamed CSV',
        tags: ['t'],
        access: 'public',
        query: z.object({ format: z.enum(['csv', 'ndjson']).default('csv') }),
        responses: { 200: { description: 'CSV or NDJSON', contentType: ['text/csv', 'application/x-ndjson'] } },
        handler: async () => ({ status: 200, raw: { contentType: 'text/csv; charset=utf-8', content: lines() } }),
      })
      .add({
        method: 'delete',
        path: '/api/items/:id',
        operationId: 'deleteItem',
        summary: 'Delete',
        tags: ['t'],
        access: ['admin'],
        params: z.object({ id: z.string() }),
        body: z.object({ reason: z.string() }).partial(),
        responses: { 204: { description: 'Deleted' } },
        handler: async () => ({ status: 204 }),
      });
    const app = express().use(routes.router);

    expect((await request(app).get('/api/items/it_1').expect(200)).body).toEqual({ id: 'it_1', count: 2 });
    const csv = await request(app).get('/api/items.csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe('a,b\n1,2\n');
    expect(mismatches().routes).toHaveLength(6);
  });

  it('when routes are added, then the table lists each with its access, path parameters and body, and OpenAPI names the roles', () => {
    const routes = table()
      .add({
        method: 'patch',
        path: '/api/things/:id/parts/:partId',
        operationId: 'editPart',
        summary: 'Edit a part',
        tags: ['t'],
        access: ['organizer', 'admin'],
        params: z.object({ id: z.string(), partId: z.string() }),
        body: z.object({ name: z.string() }),
        responses: { 200: { description: 'The part', schema: item } },
        handler: async ({ params }) => ({ status: 200, body: { id: params.partId, count: 1 } }),
      })
      .add({
        method: 'get',
        path: '/api/things/mine',
        operationId: 'myThings',
        summary: 'Mine',
        tags: ['t'],
        access: 'user',
        responses: { 200: { description: 'Mine', contentType: ['text/csv', 'application/x-ndjson'] } },
        handler: async () => ({ status: 200, raw: { contentType: 'application/x-ndjson', content: '' } }),
      });

    expect(routes.routes).toEqual([
      {
        method: 'patch',
        path: '/api/things/:id/parts/:partId',
        operationId: 'editPart',
        access: ['organizer', 'admin'],
        pathParams: ['id', 'partId'],
        hasBody: true,
      },
      { method: 'get', path: '/api/things/mine', operationId: 'myThings', access: 'user', pathParams: [], hasBody: false },
    ]);
    const paths = routes.paths as Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: object }> }>>;
    expect(paths['/api/things/{id}/parts/{partId}']?.patch?.security).toEqual([{ bearerAuth: ['organizer', 'admin'] }]);
    expect(paths['/api/things/mine']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(paths['/api/things/mine']?.get?.responses['200']?.content ?? {})).toEqual(['text/csv', 'application/x-ndjson']);
  });
});
