import type { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Role } from '@secureevent/contracts';
import type { Access } from '../auth/require-role.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];
const ROLES: readonly Role[] = ['attendee', 'organizer', 'admin'];
const PROBLEM_JSON = /^application\/problem\+json/;

/** One route of a service as the generated suite calls it. */
export interface RouteUnderTest {
  service: string;
  method: Method;
  /** Express path, e.g. `/api/events/:id`. */
  path: string;
  operationId: string;
  access: Access;
  /** Path parameters with the id prefix their schema demands (`evt` for `^evt_…`), if any. */
  pathParams: { name: string; prefix: string | undefined }[];
  /** Query parameters a request must carry. */
  requiredQuery: string[];
  /** Top-level fields a JSON body must carry, or undefined without a body. */
  requiredBody: string[] | undefined;
}

/** What a booted service offers the suite: its generated OpenAPI document and the routers it mounts. */
export interface ServiceUnderTest {
  name: string;
  openapi: { path: string; document: object };
  routers: readonly Router[];
}

interface OperationObject {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: { pattern?: string; $ref?: string } }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string; required?: string[] } }> };
}
interface Document {
  paths?: Record<string, Partial<Record<Method, OperationObject>>>;
  components?: { schemas?: Record<string, { pattern?: string; required?: string[] }> };
}

/**
 * Every route of a service, read from the OpenAPI document its route tables generate (which
 * names the roles an operation needs), and checked against the routers it really mounts: a
 * route registered on a plain Express router, outside a route table, is reported as an error,
 * so that nothing the service serves escapes the generated suite.
 */
export function routesUnderTest(service: ServiceUnderTest): RouteUnderTest[] {
  const doc = service.openapi.document as Document;
  const resolve = <T extends { $ref?: string }>(s: T | undefined) =>
    s?.$ref ? (doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] as T | undefined) : s;
  const routes: RouteUnderTest[] = [];
  for (const [oasPath, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const scheme = op.security?.[0]?.bearerAuth;
      const params = op.parameters ?? [];
      const body = resolve(op.requestBody?.content?.['application/json']?.schema);
      routes.push({
        service: service.name,
        method,
        path: oasPath.replace(/\{(\w+)\}/g, ':$1'),
        operationId: op.operationId ?? `${method} ${oasPath}`,
        access: scheme === undefined ? 'public' : scheme.length === 0 ? 'user' : (scheme as Role[]),
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, prefix: /^\^([a-z]+)_/.exec(resolve(p.schema)?.pattern ?? '')?.[1] })),
        requiredQuery: params.filter((p) => p.in === 'query' && p.required).map((p) => p.name),
        requiredBody: op.requestBody ? (body?.required ?? []) : undefined,
      });
    }
  }
  const documented = new Set(routes.map((r) => `${r.method} ${r.path}`));
  const outside = mountedRoutes(service.routers).filter((r) => !documented.has(r) && r !== `get ${service.openapi.path}`);
  if (outside.length > 0) {
    throw new Error(
      `${service.name} serves routes outside a route table: ${outside.join(', ')}. Register them with createRouteTable(...).add so that OpenAPI and the route-security suite see them.`,
    );
  }
  return routes;
}

/** `method path` of every route the routers (and the routers they mount) hold. */
function mountedRoutes(routers: readonly Router[]): string[] {
  const found: string[] = [];
  const walk = (stack: readonly Router['stack'][number][]) => {
    for (const layer of stack) {
      const { route, handle } = layer;
      if (route) {
        const methods = 'methods' in route && typeof route.methods === 'object' && route.methods ? Object.keys(route.methods) : [];
        for (const m of methods) found.push(`${m} ${route.path}`);
      } else if ('stack' in handle && Array.isArray(handle.stack)) {
        walk(handle.stack as Router['stack']);
      }
    }
  };
  for (const r of routers) walk(r.stack);
  return found;
}

/** How the suite fills a path parameter, and what another user must get for it. */
export interface OwnedId {
  /** An id that belongs to the owner (never to `other`). */
  value: string;
  /** What `other` gets for it: 404 where its existence must not be revealed, 403 where it may be. */
  status: 403 | 404;
  /** The machine code of the problem answer. */
  code: string;
  why: string;
}

export interface RouteSecurityOptions {
  /** The HTTP app serving every route (Supertest target). */
  app: Parameters<typeof request>[0];
  routes: readonly RouteUnderTest[];
  tokens: {
    /** Well formed, right key, issuer and audience, but expired. */
    expired: string;
    /** Signed by a key the services do not trust. */
    foreign: string;
    /** Someone who owns none of the ids below and holds every role but admin. */
    other: string;
    /** A token for a user holding exactly `roles` (for the wrong-role check). */
    withRoles(roles: readonly Role[]): string | undefined;
  };
  /** Ids by the prefix their schema demands (`evt`, `reg`, `ntf`): each owned by someone else than `other`. */
  ids: Record<string, OwnedId>;
  /**
   * Path parameters that are no ids of someone's resource (capability tokens: the URL is the
   * secret), by name: the value to use, and why no ownership check applies.
   */
  capabilities?: Record<string, { value: string; why: string }>;
  /** Request bodies and queries for routes whose body or query has required fields, by operationId. */
  bodies?: Record<string, unknown>;
  queries?: Record<string, Record<string, string>>;
}

/** The roles none of which satisfies `access`, or undefined when every role does. */
function rolesOutside(access: readonly Role[]): Role[] | undefined {
  const outside = ROLES.filter((r) => !access.includes(r));
  return outside.length > 0 ? outside : undefined;
}

/**
 * The route-security suite every route runs, generated from the routes (unkey's
 * `runCommonRouteTests`): every route answers 401 to a malformed or an expired token; a route
 * that needs a user also without a token, to another scheme and to a foreign-signed token; a route that needs a role answers 403 to a
 * user without it; a route with an id answers `other` as `ids` says (404 or 403); and every
 * such answer is an RFC 9457 problem. A route the suite cannot build a request for fails.
 */
export function runCommonRouteTests(options: RouteSecurityOptions): void {
  const { app, tokens } = options;

  function urlFor(route: RouteUnderTest): string {
    let url = route.path;
    for (const p of route.pathParams) {
      const value = options.capabilities?.[p.name]?.value ?? (p.prefix ? options.ids[p.prefix]?.value : undefined);
      if (value === undefined) {
        throw new Error(
          `cannot build a request for ${route.operationId}: path parameter :${p.name} (prefix ${p.prefix ?? 'none'}) has no owned id or capability in the route-security suite`,
        );
      }
      url = url.replace(`:${p.name}`, encodeURIComponent(value));
    }
    const query = options.queries?.[route.operationId];
    const missing = route.requiredQuery.filter((q) => query?.[q] === undefined);
    if (missing.length > 0)
      throw new Error(`cannot build a request for ${route.operationId}: no value for required query ${missing.join(', ')}`);
    return query ? `${url}?${new URLSearchParams(query).toString()}` : url;
  }

  /**
   * The body: the example, or `{}`. Who may call is decided before the body is read, so `{}` is
   * enough for the 401 and 403 checks (and shows that they come before validation); a check that
   * gets past authorization needs a valid body, so without an example it cannot be built.
   */
  function bodyFor(route: RouteUnderTest, valid: boolean): unknown {
    if (route.requiredBody === undefined) return undefined;
    const body = options.bodies?.[route.operationId];
    if (body !== undefined || !valid || route.requiredBody.length === 0) return body ?? {};
    throw new Error(
      `cannot build a request for ${route.operationId}: its body requires ${route.requiredBody.join(', ')}; add an example body`,
    );
  }

  async function send(route: RouteUnderTest, authorization: string | undefined, valid = false) {
    let req = request(app)[route.method](urlFor(route));
    if (authorization !== undefined) req = req.set('authorization', authorization);
    const body = bodyFor(route, valid);
    if (body !== undefined) req = req.send(body as object);
    return req;
  }

  function expectProblem(res: request.Response, status: number, code: string) {
    expect({ status: res.status, code: (res.body as { code?: unknown }).code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect((res.body as { status?: unknown }).status).toBe(status);
  }

  for (const route of options.routes) {
    describe(`${route.service} ${route.method.toUpperCase()} ${route.path}`, () => {
      if (route.access !== 'public') {
        it('when no token is sent, then 401', async () => expectProblem(await send(route, undefined), 401, 'UNAUTHENTICATED'));
        it('when the authorization is not a bearer token, then 401', async () =>
          expectProblem(await send(route, `Basic ${Buffer.from('a:b').toString('base64')}`), 401, 'UNAUTHENTICATED'));
        it('when the token is signed by a key the platform does not trust, then 401', async () =>
          expectProblem(await send(route, `Bearer ${tokens.foreign}`), 401, 'UNAUTHENTICATED'));
      }
      // On public routes too: a token that does not verify is refused, never taken for an anonymous caller.
      const even = route.access === 'public' ? ' (even on a public route)' : '';
      it(`when the token is malformed, then 401${even}`, async () =>
        expectProblem(await send(route, 'Bearer not.a.token'), 401, 'UNAUTHENTICATED'));
      it(`when the token has expired, then 401${even}`, async () =>
        expectProblem(await send(route, `Bearer ${tokens.expired}`), 401, 'UNAUTHENTICATED'));
      const access = route.access;
      if (Array.isArray(access)) {
        const wrong = rolesOutside(access);
        if (wrong) {
          it(`when the caller holds only ${wrong.join(' and ')} (not ${access.join(' or ')}), then 403`, async () => {
            const token = tokens.withRoles(wrong);
            if (!token) throw new Error(`the route-security suite has no user with exactly the roles ${wrong.join(', ')}`);
            expectProblem(await send(route, `Bearer ${token}`), 403, 'FORBIDDEN');
          });
        }
      }
      // Admin-only routes act on anyone's records by design: the role check above is their refusal.
      const adminOnly = Array.isArray(access) && access.length === 1 && access[0] === 'admin';
      const owned = route.pathParams.filter((p) => !options.capabilities?.[p.name]);
      if (owned.length > 0 && !adminOnly) {
        const first = owned[0]!;
        const kind = first.prefix ? options.ids[first.prefix] : undefined;
        it(`when another user names someone else's :${first.name}, then ${kind?.status ?? '(no owned id)'} (${kind?.why ?? 'none'})`, async () => {
          if (!kind) throw new Error(`cannot build a request for ${route.operationId}: no owned id for :${first.name}`);
          expectProblem(await send(route, `Bearer ${tokens.other}`, true), kind.status, kind.code);
        });
      }
    });
  }
}
