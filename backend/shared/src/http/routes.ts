import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { AuthUser, TokenVerifier } from '../auth/token-verifier.js';
import { authorize, bearerUser, type Access } from '../auth/require-role.js';
import { problemSchema } from '@secureevent/contracts';
import { fieldErrors } from './problem.js';
import { responseCache } from './response-cache.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler gets: validated input and the caller (always present unless the route is public). */
export interface RouteContext<P, Q, B, A extends Access> {
  params: P;
  query: Q;
  body: B;
  user: A extends 'public' ? AuthUser | undefined : AuthUser;
  req: Request;
  res: Response;
}

/** A non-JSON body (CSV, SVG, iCalendar, NDJSON) with its media type. */
export interface RawBody<C extends string = string> {
  /** The declared media type, optionally with parameters (`text/csv; charset=utf-8`). */
  contentType: C | `${C};${string}`;
  /** A stream (an async iterable of chunks) is sent as it is produced, with backpressure: exports of any size in bounded memory. */
  content: string | Buffer | AsyncIterable<string | Buffer>;
}

/** A media type such as `text/csv` (a template type, so that declared media types keep their literal). */
type MediaType = `${string}/${string}`;

/** One documented answer of a route: a JSON body of `schema`, a raw body of `contentType`, or no body. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** A non-JSON answer; several when the query picks the format (`?format=csv`). */
  contentType?: MediaType | readonly MediaType[];
}
type Responses = Readonly<Record<number, ResponseSpec>>;

type Head<S extends number> = { status: S; headers?: Record<string, string> };
type MediaOf<C> = C extends readonly (infer M extends string)[] ? M : C extends string ? C : never;
type ResultFor<S extends number, R> = R extends { contentType: MediaType | readonly MediaType[] }
  ? Head<S> & { raw: RawBody<MediaOf<R['contentType']>>; body?: never }
  : R extends { schema: infer Z extends z.ZodType }
    ? Head<S> & { body: z.output<Z>; raw?: never }
    : Head<S> & { body?: never; raw?: never };

/**
 * A handler's answer, typed against the route's declared responses: one of the declared statuses,
 * with a body of that status's schema (a raw body where a media type is declared, none otherwise).
 * A body that does not match the declared schema, or an undeclared status, does not compile.
 */
export type RouteResult<R extends Responses = Responses> = { [S in keyof R]: ResultFor<S extends number ? S : never, R[S]> }[keyof R];

/** Any handler's answer, as the router sends it. */
interface SentResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: RawBody;
}

/** One route: path, schemas, permission and the call to its use case; the OpenAPI entry is derived from it. */
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Schema = z.ZodType | undefined;

export interface RouteSpec<PS extends Schema, QS extends Schema, BS extends Schema, A extends Access, R extends Responses = Responses> {
  method: Method;
  /** Express path, e.g. `/api/events/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  access: A;
  params?: PS;
  query?: QS;
  body?: BS;
  responses: R;
  /**
   * For GETs whose answer to an anonymous caller is the same for everyone: the cache keys the
   * answer was made from (e.g. `event:evt_…`), or undefined when this answer must not be shared.
   * The finished response is then served from the response cache until one of them is deleted.
   */
  publicCache?: (result: NoInfer<RouteResult<R>>) => readonly string[] | undefined;
  handler(ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>, A>): Promise<NoInfer<RouteResult<R>>>;
}

/** What the route table records of each route, for suites generated from it (see `@secureevent/shared/testing`). */
export interface RouteInfo {
  method: Method;
  path: string;
  operationId: string;
  access: Access;
  /** Names of the path parameters (`:id`, `:userId`), in order. */
  pathParams: string[];
  hasBody: boolean;
}

/** Builds an Express router and the matching OpenAPI paths from route specs. */
export function createRouteTable(verifier: TokenVerifier) {
  const router = Router();
  const paths: ZodOpenApiPathsObject = {};
  const routes: RouteInfo[] = [];

  function parse(schema: z.ZodType | undefined, value: unknown, location: string): unknown {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `The request ${location} is invalid.`, {
        errors: fieldErrors(location, result.error.issues),
      });
    }
    return result.data;
  }

  return {
    router,
    paths,
    /** Every route added so far. */
    routes: routes as readonly RouteInfo[],
    /** Registers a route; list a resource's routes together at the top of its `*.routes.ts`. */
    add<
      PS extends Schema = undefined,
      QS extends Schema = undefined,
      BS extends Schema = undefined,
      A extends Access = Access,
      R extends Responses = Responses,
    >(spec: RouteSpec<PS, QS, BS, A, R>) {
      routes.push({
        method: spec.method,
        path: spec.path,
        operationId: spec.operationId,
        access: spec.access,
        pathParams: [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
        hasBody: spec.body !== undefined,
      });
      router[spec.method](spec.path, async (req, res) => {
        const user = await bearerUser(verifier, req);
        // Answers made for a signed-in caller (tickets, emails, the audit trail) must never be
        // kept by a browser or a shared cache (ASVS 8.2.1); set before anything can fail, so
        // that problem answers carry it too. A handler may still choose its own header.
        if (user !== undefined || spec.access !== 'public') res.set('cache-control', 'no-store');
        authorize(user, spec.access);
        const ctx = {
          params: parse(spec.params, req.params, 'params'),
          query: parse(spec.query, req.query, 'query'),
          body: parse(spec.body, req.body ?? {}, 'body'),
          user,
          req,
          res,
        } as RouteContext<Out<PS>, Out<QS>, Out<BS>, A>;
        const result: SentResult = await spec.handler(ctx);
        if (result.headers) res.set(result.headers);
        if (result.raw && (typeof result.raw.content === 'string' || Buffer.isBuffer(result.raw.content)))
          res.status(result.status).type(result.raw.contentType).send(result.raw.content);
        // A failure mid-stream reaches the error handler after the headers, which ends the connection.
        else if (result.raw) await pipeline(Readable.from(result.raw.content), res.status(result.status).type(result.raw.contentType));
        else if (result.body === undefined) res.status(result.status).end();
        else if (spec.publicCache && user === undefined && result.status === 200) sendAndCache(req, res, spec, result);
        else res.status(result.status).json(result.body);
      });

      const oasPath = spec.path.replace(/:(\w+)/g, '{$1}');
      const operation: ZodOpenApiOperationObject = {
        operationId: spec.operationId,
        summary: spec.summary,
        tags: spec.tags,
        // OpenAPI 3.1 §4.8.30: for an http scheme the list names the roles the operation needs (any one of them).
        ...(spec.access === 'public' ? {} : { security: [{ bearerAuth: spec.access === 'user' ? [] : [...spec.access] }] }),
        ...(spec.params || spec.query
          ? {
              requestParams: {
                ...(spec.params ? { path: spec.params as never } : {}),
                ...(spec.query ? { query: spec.query as never } : {}),
              },
            }
          : {}),
        ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
        responses: Object.fromEntries(
          Object.entries(spec.responses).map(([status, r]) => [
            status,
            {
              description: r.description,
              ...(r.contentType
                ? { content: Object.fromEntries([r.contentType].flat().map((type) => [type, { schema: z.string() }])) }
                : r.schema
                  ? { content: { 'application/json': { schema: r.schema } } }
                  : {}),
            },
          ]),
        ),
      };
      paths[oasPath] = { ...paths[oasPath], [spec.method]: operation };
      return this;
    },
  };
}

/** Sends a JSON answer and keeps the finished response for the next anonymous caller (see `publicCache`). */
function sendAndCache(
  req: Request,
  res: Response,
  spec: { path: string; publicCache?(result: SentResult): readonly string[] | undefined },
  result: SentResult,
) {
  const mark = res.locals.responseCacheMark as number | undefined;
  const body = Buffer.from(JSON.stringify(result.body));
  res.status(result.status).type('application/json').send(body);
  const tags = spec.publicCache?.(result);
  if (mark === undefined || !tags || tags.length === 0 || req.method !== 'GET' || res.statusCode !== 200 || res.hasHeader('set-cookie'))
    return;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || name === 'x-request-id' || name === 'date' || name === 'content-length') continue;
    headers[name] = typeof value === 'number' ? String(value) : value;
  }
  const etag = res.getHeader('etag');
  responseCache.store(
    req.originalUrl,
    {
      status: 200,
      headers,
      body,
      etag: typeof etag === 'string' ? etag : undefined,
      route: `${req.baseUrl}${spec.path}`,
      service: res.locals.service as string | undefined,
      tags,
    },
    mark,
  );
}

/** A documented error response: its description and the RFC 9457 problem schema. */
export function problemResponse(description: string) {
  return { description, schema: problemSchema };
}

/** The route table type, for services that build one per feature. */
export type RouteTable = ReturnType<typeof createRouteTable>;
