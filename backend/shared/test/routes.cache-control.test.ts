import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, ErrorCode } from '../src/errors/app-error.js';
import { createHttpApp } from '../src/http/create-app.js';
import { createRouteTable } from '../src/http/routes.js';
import type { Role } from '@secureevent/contracts';
import { ACCESS_TOKEN_ALG, createTokenVerifier } from '../src/auth/token-verifier.js';
import { createLogger } from '../src/logging/logger.js';

/** One service name for every app in this file: the metrics middleware is a process-wide singleton. */
const SERVICE = 'shared-http-test';

/** Cache-Control on authenticated answers (ASVS 8.2.1), decided once in the route table. */
describe('route table: Cache-Control on answers for a signed-in caller', () => {
  let app: Express;
  let tokenFor: (roles: Role[]) => Promise<string>;

  beforeAll(async () => {
    // No database, broker or cache is involved: only a token signer and its verifier.
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: ACCESS_TOKEN_ALG };
    const verifier = createTokenVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer: 'secureevent', audience: 'secureevent-api' });
    tokenFor = (roles) =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: 'k1' })
        .setSubject(`usr_${'a'.repeat(25)}`)
        .setIssuer('secureevent')
        .setAudience('secureevent-api')
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime('5m')
        .sign(privateKey);
    const table = createRouteTable(verifier)
      .add({
        method: 'get',
        path: '/api/things',
        operationId: 'listThings',
        summary: 'Public list',
        tags: ['test'],
        access: 'public',
        responses: { 200: { description: 'things', schema: z.object({ items: z.array(z.string()), for: z.string().nullable() }) } },
        handler: async ({ user }) => ({ status: 200, body: { items: [], for: user?.id ?? null } }),
      })
      .add({
        method: 'get',
        path: '/api/things/mine',
        operationId: 'myThings',
        summary: 'Signed-in list',
        tags: ['test'],
        access: 'user',
        query: z.object({ n: z.coerce.number().int().max(5).optional() }),
        responses: { 200: { description: 'mine', schema: z.object({ items: z.array(z.string()) }) } },
        handler: async ({ user }) => ({ status: 200, body: { items: [user.id] } }),
      })
      .add({
        method: 'get',
        path: '/api/things/admin',
        operationId: 'adminThings',
        summary: 'Admin list',
        tags: ['test'],
        access: ['admin'] as const,
        responses: { 200: { description: 'all', schema: z.object({ items: z.array(z.string()) }) } },
        handler: async () => ({ status: 200, body: { items: [] } }),
      })
      .add({
        method: 'get',
        path: '/api/things/feed',
        operationId: 'thingsFeed',
        summary: 'Signed-in, with its own caching',
        tags: ['test'],
        access: 'user',
        responses: { 200: { description: 'feed', schema: z.object({ ok: z.boolean() }) } },
        handler: async () => ({ status: 200, body: { ok: true }, headers: { 'cache-control': 'private, max-age=60' } }),
      })
      .add({
        method: 'get',
        path: '/api/things/missing',
        operationId: 'missingThing',
        summary: 'Signed-in, always 404',
        tags: ['test'],
        access: 'user',
        responses: { 404: { description: 'missing' } },
        handler: async () => {
          throw new AppError(ErrorCode.NOT_FOUND, 'No such thing.');
        },
      });
    app = createHttpApp({ service: SERVICE, logger: createLogger(SERVICE, { level: 'silent' }), routers: [table.router], readiness: [] });
  });

  it.each([
    ['a user route', '/api/things/mine', ['attendee'] as const],
    ['an admin route', '/api/things/admin', ['admin'] as const],
    ['a public route read with a token', '/api/things', ['attendee'] as const],
  ])('when %s answers a signed-in caller, then the answer is Cache-Control: no-store', async (_, path, roles) => {
    const token = await tokenFor([...roles]);
    const res = await request(app).get(path).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when a signed-in route refuses the request (validation, forbidden, not found), then the problem is no-store too', async () => {
    const token = await tokenFor(['attendee']);
    const auth = { authorization: `Bearer ${token}` };
    const invalid = await request(app).get('/api/things/mine?n=99').set(auth);
    const forbidden = await request(app).get('/api/things/admin').set(auth);
    const missing = await request(app).get('/api/things/missing').set(auth);
    expect([invalid.status, forbidden.status, missing.status]).toEqual([400, 403, 404]);
    for (const res of [invalid, forbidden, missing]) expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when an anonymous caller reads a public route, then the answer is not marked no-store', async () => {
    const res = await request(app).get('/api/things').expect(200);
    expect(res.headers['cache-control']).not.toBe('no-store');
  });

  it('when a handler sets its own Cache-Control, then that one is sent', async () => {
    const token = await tokenFor(['attendee']);
    const res = await request(app).get('/api/things/feed').set('authorization', `Bearer ${token}`).expect(200);
    expect(res.headers['cache-control']).toBe('private, max-age=60');
  });
});
