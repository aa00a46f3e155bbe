import { randomBytes, randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ACCESS_TOKEN_ALG, createTokenVerifier, type TokenVerifier } from '../src/auth/token-verifier.js';
import { createHttpApp, type ReadinessCheck } from '../src/http/create-app.js';
import { createRouteTable } from '../src/http/routes.js';
import { idPattern, newId } from '../src/ids/ids.js';
import { createLogger, type Logger } from '../src/logging/logger.js';
import { newTraceparent, traceIdOf } from '../src/messaging/envelope.js';
import { createTestEnv, type TestEnv } from '../src/testing/index.js';

/** One service name for every app in this file: the metrics middleware is a process-wide singleton. */
const SERVICE = 'shared-http-test';
const PROBLEM_JSON = /^application\/problem\+json/;

/** A logger whose lines are kept in memory. */
function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger(SERVICE, {
    level: 'trace',
    destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) },
  });
  return {
    logger,
    text: () => lines.join('\n'),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/**
 * A small app over the shared factory: a public GET, an organizer-only POST with a zod body,
 * a signed-in GET with a validated id param, and a route that throws a plain Error.
 */
function buildTestApp(verifier: TokenVerifier, options: { logger: Logger; bodyLimit?: string; readiness?: ReadinessCheck[] }): Express {
  const { logger } = options;
  const table = createRouteTable(verifier)
    .add({
      method: 'get',
      path: '/api/ping',
      operationId: 'ping',
      summary: 'Public ping',
      tags: ['test'],
      access: 'public',
      responses: { 200: { description: 'pong', schema: z.object({ pong: z.boolean(), userId: z.string().nullable() }) } },
      handler: async ({ user }) => {
        logger.info('ping handled');
        return { status: 200, body: { pong: true, userId: user?.id ?? null } };
      },
    })
    .add({
      method: 'post',
      path: '/api/events',
      operationId: 'createEvent',
      summary: 'Organizer-only create',
      tags: ['test'],
      access: ['organizer'] as const,
      body: z.object({ title: z.string().min(1), capacity: z.number().int().positive() }),
      responses: {
        201: { description: 'created', schema: z.object({ title: z.string(), capacity: z.number(), organizerId: z.string() }) },
      },
      handler: async ({ body, user }) => ({ status: 201, body: { ...body, organizerId: user.id } }),
    })
    .add({
      method: 'get',
      path: '/api/events/:id',
      operationId: 'getEvent',
      summary: 'Signed-in read',
      tags: ['test'],
      access: 'user',
      params: z.object({ id: z.string().regex(idPattern('evt')) }),
      responses: { 200: { description: 'found', schema: z.object({ id: z.string(), readBy: z.string() }) } },
      handler: async ({ params, user }) => ({ status: 200, body: { id: params.id, readBy: user.id } }),
    })
    .add({
      method: 'get',
      path: '/api/boom',
      operationId: 'boom',
      summary: 'Throws a plain Error',
      tags: ['test'],
      access: 'public',
      responses: { 500: { description: 'always' } },
      handler: async () => {
        throw new Error('secret detail at /etc/passwd');
      },
    });
  return createHttpApp({
    service: SERVICE,
    logger,
    routers: [table.router],
    readiness: options.readiness ?? [],
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
}

const validEvent = (overrides: Record<string, unknown> = {}) => ({ title: `Meetup ${randomUUID()}`, capacity: 40, ...overrides });
const bearer = (token: string) => `Bearer ${token}`;
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A key pair and a verifier pinned to it, for forging tokens that differ from a good one in one claim only. */
async function ownSigner(issuer = 'secureevent', audience = 'secureevent-api') {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const kid = `own-${randomBytes(4).toString('hex')}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  const verifier = createTokenVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer, audience });
  const sign = (claims: { sub?: string; roles?: string[]; iss?: string; aud?: string; exp?: number | string }) =>
    new SignJWT({ roles: claims.roles ?? ['organizer'] })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid })
      .setSubject(claims.sub ?? newId('usr'))
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(claims.exp ?? '5m')
      .sign(privateKey);
  return { verifier, sign, kid };
}

describe('createHttpApp', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  describe('problem documents', () => {
    it('when the JSON body is malformed, then a 400 problem+json with code MALFORMED_JSON is returned', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .set('content-type', 'application/json')
        .send('{"title": "x", ');

      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON', instance: '/api/events' });
    });

    it('when the body is text/plain, then a 415 problem+json with code UNSUPPORTED_MEDIA_TYPE is returned', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .set('content-type', 'text/plain')
        .send('title=Meetup');

      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('when a form-encoded body is sent, then it is refused with 415 rather than parsed or ignored', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .type('form')
        .send({ title: 'Meetup', capacity: '40' });

      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('when the body is larger than bodyLimit, then a 413 problem+json with code PAYLOAD_TOO_LARGE is returned', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger, bodyLimit: '1kb' });

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .send(validEvent({ title: 'x'.repeat(4096) }));

      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('when the body is just under bodyLimit, then it is accepted', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger, bodyLimit: '1kb' });

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .send(validEvent({ title: 'x'.repeat(900) }));

      expect(res.status).toBe(201);
    });

    it('when no route matches, then a 404 problem+json with code ROUTE_NOT_FOUND names the path', async () => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });
      const path = `/api/nothing-here-${randomBytes(4).toString('hex')}`;

      const res = await request(app).get(`${path}?q=1`);

      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', instance: path });
    });

    it('when a handler throws a plain Error, then a bare 500 problem+json reveals neither the message nor a stack', async () => {
      const logs = captureLogs();
      const app = buildTestApp(env.adapters.verifier, { logger: logs.logger });

      const res = await request(app).get('/api/boom');

      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 500, code: 'INTERNAL' });
      expect(res.text).not.toContain('secret detail');
      expect(res.text).not.toContain('/etc/passwd');
      expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
      expect(res.body).not.toHaveProperty('detail');
      expect(res.body).not.toHaveProperty('stack');
    });

    it('when a handler throws a plain Error, then the cause is logged server-side under the same requestId', async () => {
      const logs = captureLogs();
      const app = buildTestApp(env.adapters.verifier, { logger: logs.logger });

      const res = await request(app).get('/api/boom');

      const errorLine = logs.records().find((r) => r.msg === 'unhandled error');
      expect(errorLine).toBeDefined();
      expect(JSON.stringify(errorLine)).toContain('secret detail at /etc/passwd');
      expect(errorLine!.requestId).toBe(res.headers['x-request-id']);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('when the body fails the zod schema, then a 400 lists each bad field as body.<name>', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .send(validEvent({ capacity: -5, title: '' }));

      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = (res.body.errors as { field: string; message: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['body.capacity', 'body.title']));
      for (const e of res.body.errors as { message: string }[]) expect(e.message).toEqual(expect.any(String));
    });

    it('when a path parameter fails its schema, then a 400 names params.<name>', async () => {
      const { token } = await env.tokenFor({ roles: ['attendee'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).get('/api/events/usr_not-an-event').set('authorization', bearer(token));

      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('params.id');
    });

    it('when a path parameter is not valid percent-encoding, then the client gets a 4xx, not a 500', async () => {
      const { token } = await env.tokenFor({ roles: ['attendee'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).get('/api/events/evt_%E0%A4%A').set('authorization', bearer(token));

      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('when the body is valid and the caller an organizer, then the handler runs with the parsed body and the caller', async () => {
      const { id, token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });
      const event = validEvent();

      const res = await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .send({ ...event, unknownField: 'dropped' });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...event, organizerId: id });
    });
  });

  describe('authentication and authorization', () => {
    it('when a protected route is called without a token, then 401 UNAUTHENTICATED', async () => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).post('/api/events').send(validEvent());

      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('when the Authorization scheme is not Bearer, then 401', async () => {
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).post('/api/events').set('authorization', `Basic ${token}`).send(validEvent());

      expect(res.status).toBe(401);
    });

    it('when the caller lacks the required role, then 403 FORBIDDEN and the handler does not run', async () => {
      const { token } = await env.tokenFor({ roles: ['attendee'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).post('/api/events').set('authorization', bearer(token)).send(validEvent());

      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(res.body).not.toHaveProperty('organizerId');
    });

    it('when a user-only route is called with any valid token, then the caller is passed to the handler', async () => {
      const { id, token } = await env.tokenFor({ roles: ['attendee'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });
      const eventId = newId('evt');

      const res = await request(app).get(`/api/events/${eventId}`).set('authorization', bearer(token));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: eventId, readBy: id });
    });

    it('when a token is signed by a different key under the same kid, then 401', async () => {
      const { token: genuine } = await env.tokenFor({ roles: ['organizer'] });
      const { kid } = decodeProtectedHeader(genuine);
      const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519' });
      const forged = await new SignJWT({ roles: ['organizer'] })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: kid! })
        .setSubject(newId('usr'))
        .setIssuer('secureevent')
        .setAudience('secureevent-api')
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime('5m')
        .sign(privateKey);
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).post('/api/events').set('authorization', bearer(forged)).send(validEvent());

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('when a token comes from another environment (another key), then 401', async () => {
      const other = await ownSigner();
      const token = await other.sign({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).post('/api/events').set('authorization', bearer(token)).send(validEvent());

      expect(res.status).toBe(401);
    });

    it('when a token is for a different audience, then 401, while the same key and the right audience pass', async () => {
      const signer = await ownSigner('secureevent', 'secureevent-api');
      const app = buildTestApp(signer.verifier, { logger: env.logger });
      const wrongAudience = await signer.sign({ aud: 'another-api' });
      const rightAudience = await signer.sign({});

      const refused = await request(app).post('/api/events').set('authorization', bearer(wrongAudience)).send(validEvent());
      const accepted = await request(app).post('/api/events').set('authorization', bearer(rightAudience)).send(validEvent());

      expect(refused.status).toBe(401);
      expect(accepted.status).toBe(201);
    });

    it('when a token is from a different issuer, then 401', async () => {
      const signer = await ownSigner('secureevent', 'secureevent-api');
      const app = buildTestApp(signer.verifier, { logger: env.logger });
      const token = await signer.sign({ iss: 'someone-else' });

      const res = await request(app).post('/api/events').set('authorization', bearer(token)).send(validEvent());

      expect(res.status).toBe(401);
    });

    it('when a token has expired, then 401', async () => {
      const signer = await ownSigner();
      const app = buildTestApp(signer.verifier, { logger: env.logger });
      const token = await signer.sign({ exp: Math.floor(Date.now() / 1000) - 60 });

      const res = await request(app).post('/api/events').set('authorization', bearer(token)).send(validEvent());

      expect(res.status).toBe(401);
    });

    it('when an unsigned alg:none token claims the admin and organizer roles, then 401', async () => {
      const { token: genuine } = await env.tokenFor({ roles: ['attendee'] });
      const { kid } = decodeProtectedHeader(genuine);
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        sub: newId('usr'),
        roles: ['admin', 'organizer'],
        iss: 'secureevent',
        aud: 'secureevent-api',
        iat: now,
        exp: now + 300,
        jti: randomUUID(),
      };
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      for (const token of [
        `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(payload)}.`,
        `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`,
      ]) {
        const res = await request(app).post('/api/events').set('authorization', bearer(token)).send(validEvent());
        expect(res.status).toBe(401);
      }
    });

    it('when the roles in a genuine token are edited without re-signing, then 401', async () => {
      const { token } = await env.tokenFor({ roles: ['attendee'] });
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const tampered = `${header}.${b64url({ ...claims, roles: ['organizer'] })}.${signature}`;
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).post('/api/events').set('authorization', bearer(tampered)).send(validEvent());

      expect(res.status).toBe(401);
    });

    it('when a request carries a bearer token and a password, then neither appears in the request logs', async () => {
      const logs = captureLogs();
      const { token } = await env.tokenFor({ roles: ['organizer'] });
      const app = buildTestApp(env.adapters.verifier, { logger: logs.logger });
      const password = `pw-${randomBytes(12).toString('hex')}`;

      await request(app)
        .post('/api/events')
        .set('authorization', bearer(token))
        .set('cookie', `sid=${password}`)
        .send({ ...validEvent(), password });

      expect(logs.records().length).toBeGreaterThan(0);
      expect(logs.text()).not.toContain(token);
      expect(logs.text()).not.toContain(password);
    });
  });

  describe('security headers and request ids', () => {
    const scriptSrcOf = (csp: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith('script-src '));

    it.each([
      ['a successful response', '/api/ping'],
      ['a 404 problem', '/api/does-not-exist'],
    ])('when the app answers %s, then a strict CSP, nosniff and no X-Powered-By are sent', async (_label, path) => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).get(path);

      const csp = String(res.headers['content-security-policy'] ?? '');
      const scriptSrc = scriptSrcOf(csp);
      expect(scriptSrc).toBeDefined();
      expect(scriptSrc!.split(/\s+/)).toContain("'self'");
      expect(scriptSrc).not.toContain('unsafe-inline');
      expect(scriptSrc).not.toContain('unsafe-eval');
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers).not.toHaveProperty('x-powered-by');
    });

    it('when a valid x-request-id is sent, then it is echoed and used in the problem document', async () => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });
      const requestId = `req-${randomUUID()}`;

      const res = await request(app).get('/api/nowhere').set('x-request-id', requestId);

      expect(res.headers['x-request-id']).toBe(requestId);
      expect(res.body.requestId).toBe(requestId);
    });

    it.each([
      ['contains spaces', 'drop table; --'],
      ['is 200 characters long', 'a'.repeat(200)],
      ['contains a slash and quotes', '../"x"'],
    ])('when the incoming x-request-id %s, then it is replaced by a fresh id', async (_label, garbage) => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).get('/api/ping').set('x-request-id', garbage);

      const echoed = res.headers['x-request-id'];
      expect(echoed).toBeDefined();
      expect(echoed).not.toBe(garbage);
      expect(echoed).toMatch(/^[\w.-]{1,64}$/);
    });

    it('when no x-request-id is sent, then each response gets a different one', async () => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const first = await request(app).get('/api/ping');
      const second = await request(app).get('/api/ping');

      expect(first.headers['x-request-id']).toEqual(expect.any(String));
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });

    it('when a request carries a traceparent, then log lines made while handling it carry its requestId and traceId', async () => {
      const logs = captureLogs();
      const app = buildTestApp(env.adapters.verifier, { logger: logs.logger });
      const traceparent = newTraceparent();
      const requestId = `req-${randomUUID()}`;

      await request(app).get('/api/ping').set('traceparent', traceparent).set('x-request-id', requestId);

      const line = logs.records().find((r) => r.msg === 'ping handled');
      expect(line).toMatchObject({ requestId, traceId: traceIdOf(traceparent), service: SERVICE });
    });

    it('when a request is served, then the request log line carries its requestId', async () => {
      const logs = captureLogs();
      const app = buildTestApp(env.adapters.verifier, { logger: logs.logger });
      const requestId = `req-${randomUUID()}`;

      await request(app).get('/api/ping').set('x-request-id', requestId);

      const requestLine = logs
        .records()
        .find((r) => r.msg !== 'ping handled' && (r.res as { statusCode?: number } | undefined)?.statusCode === 200);
      expect(requestLine).toBeDefined();
      expect(JSON.stringify(requestLine)).toContain(requestId);
    });
  });

  describe('health, readiness and metrics', () => {
    it('when /healthz is called, then 200 with the service name', async () => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });

      const res = await request(app).get('/healthz');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', service: SERVICE });
    });

    it('when every readiness check passes against the real database, then /readyz answers 200', async () => {
      const app = buildTestApp(env.adapters.verifier, {
        logger: env.logger,
        readiness: [
          { name: 'database', check: () => env.database.forSchema('public').ping() },
          { name: 'broker', check: () => env.transport.ping() },
        ],
      });

      const res = await request(app).get('/readyz');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ready',
        checks: { database: 'ok', broker: 'ok' },
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        uptimeSeconds: expect.any(Number),
      });
    });

    it('when one readiness check rejects, then /readyz answers 503 naming that check without its error text', async () => {
      const reason = `connection refused ${randomBytes(4).toString('hex')}`;
      const app = buildTestApp(env.adapters.verifier, {
        logger: env.logger,
        readiness: [
          { name: 'database', check: () => env.database.forSchema('public').ping() },
          { name: 'search-index', check: () => Promise.reject(new Error(reason)) },
        ],
      });

      const res = await request(app).get('/readyz');

      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'not ready', checks: { database: 'ok', 'search-index': 'unavailable' } });
      expect(Object.keys(res.body).sort()).toEqual(['checks', 'status', 'uptimeSeconds', 'version']);
      expect(res.text).not.toContain(reason);
    });

    it('when a readiness check never settles, then /readyz still answers 503 naming it', async () => {
      const app = buildTestApp(env.adapters.verifier, {
        logger: env.logger,
        readiness: [{ name: 'hung-dependency', check: () => new Promise<void>(() => undefined) }],
      });

      const res = await request(app).get('/readyz');

      expect(res.status).toBe(503);
      expect(res.body.checks).toEqual({ 'hung-dependency': 'unavailable' });
    });

    it('when the broker is cut, then /readyz names the broker, and recovers once it is restored', async () => {
      const app = buildTestApp(env.adapters.verifier, {
        logger: env.logger,
        readiness: [{ name: 'broker', check: () => env.transport.ping() }],
      });

      env.cutBroker();
      try {
        await vi.waitFor(
          async () => {
            const res = await request(app).get('/readyz');
            expect(res.status).toBe(503);
            expect(res.body.checks).toEqual({ broker: 'unavailable' });
          },
          { timeout: 15_000, interval: 200 },
        );
      } finally {
        env.restoreBroker();
      }

      await vi.waitFor(
        async () => {
          const res = await request(app).get('/readyz');
          expect(res.status).toBe(200);
        },
        { timeout: 20_000, interval: 250 },
      );
    });

    it('when /metrics is scraped after some requests, then it serves Prometheus text with the HTTP histogram', async () => {
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });
      await request(app).get('/api/ping').expect(200);

      const res = await request(app).get('/metrics');

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^# HELP http_request_duration_seconds /m);
      expect(res.text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
      expect(res.text).toMatch(new RegExp(`^http_request_duration_seconds_count\\{[^}]*path="/api/ping"[^}]*\\} \\d+`, 'm'));
      expect(res.text).toContain(`service="${SERVICE}"`);
    });

    it('when a request path names an id, then /metrics labels it with the route pattern rather than the id itself', async () => {
      const { token } = await env.tokenFor({ roles: ['attendee'] });
      const app = buildTestApp(env.adapters.verifier, { logger: env.logger });
      const eventId = newId('evt');
      await request(app).get(`/api/events/${eventId}`).set('authorization', bearer(token)).expect(200);

      const res = await request(app).get('/metrics');

      expect(res.text).not.toContain(eventId);
      expect(res.text).toContain('path="/api/events/:id"');
    });
  });
});

describe('loggablePath', () => {
  it('when a path carries a calendar feed secret or a query string, then the log shows neither', async () => {
    const { loggablePath } = await import('@secureevent/shared');
    expect(loggablePath('/api/calendar/feed/s3cr3t-token.ics?x=1')).toBe('/api/calendar/feed/[REDACTED]');
    expect(loggablePath('/api/events/evt_1?cursor=abc')).toBe('/api/events/evt_1');
    expect(loggablePath('/api/calendar/feed-token')).toBe('/api/calendar/feed-token');
  });
});

describe('trust proxy', () => {
  const appTrusting = (trustProxy: string | number | undefined) => {
    const app = createHttpApp({
      service: SERVICE,
      logger: createLogger(SERVICE, { level: 'silent' }),
      routers: [],
      readiness: [],
      ...(trustProxy === undefined ? {} : { trustProxy }),
      after: (a) => a.get('/whoami', (req, res) => void res.json({ ip: req.ip })),
    });
    return app;
  };

  it('when no proxy is configured, then X-Forwarded-For is ignored, even from loopback: a local client cannot choose the address lockouts see', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7' };
    const direct = (await request(appTrusting(undefined)).get('/whoami').set(forwarded)).body.ip as string;
    expect(direct).not.toBe('203.0.113.7');
    expect(direct).toMatch(/127\.0\.0\.1|::1/);
  });

  it('when the request comes from a trusted proxy, then the client address is taken from X-Forwarded-For; otherwise the header is ignored', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7' };
    // nginx on loopback, as start-distributed configures it (supertest connects from loopback).
    expect((await request(appTrusting('loopback')).get('/whoami').set(forwarded)).body.ip).toBe('203.0.113.7');
    // Behind an Ingress: only the pod network is trusted, so a loopback peer cannot choose its address.
    const strict = (await request(appTrusting('10.0.0.0/8')).get('/whoami').set(forwarded)).body.ip as string;
    expect(strict).not.toBe('203.0.113.7');
    expect(strict).toMatch(/127\.0\.0\.1|::1/);
    // A hop count trusts that many proxies in front.
    expect((await request(appTrusting(1)).get('/whoami').set(forwarded)).body.ip).toBe('203.0.113.7');
  });
});
