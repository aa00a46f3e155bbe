import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import promBundle from 'express-prom-bundle';
import { pinoHttp } from 'pino-http';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { requestContext, type Logger } from '../logging/logger.js';
import { newTraceparent, traceIdOf } from '../messaging/envelope.js';
import { errorHandler, notFoundHandler } from './problem.js';
import { responseCache } from './response-cache.js';
import { answeringService, gauge, metricsHandler } from '../metrics/metrics.js';

/** A named readiness check (database, broker, cache). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Whether the pod cannot serve without it (default true): a failing required check makes
   * `/readyz` answer 503; a failing optional one (the broker, which the outbox absorbs; the cache,
   * which falls back locally) is reported as degraded with 200 (ADR 0016).
   */
  required?: boolean;
}

/** Options for `createHttpApp`. */
export interface HttpAppOptions {
  service: string;
  logger: Logger;
  /** Mounted in order after the common middleware. */
  routers: Router[];
  readiness: ReadinessCheck[];
  /** Largest accepted JSON body. */
  bodyLimit?: string;
  /** Extra handlers before the 404 (e.g. the SPA and static docs in embedded mode). */
  after?: (app: Express) => void;
  /**
   * Trust X-Forwarded-* from these proxies (Express `trust proxy`: addresses, CIDRs, `loopback`,
   * or a hop count). Default: nobody, so no client can choose the address that limits and audit see.
   */
  trustProxy?: string | number | false;
  /** Serve `/metrics` on this app (default true). The embedded platform serves it on its own port instead. */
  serveMetrics?: boolean;
}

/** The strict Content Security Policy: no inline or eval'd script anywhere. */
export const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // Angular Material and Swagger UI set style attributes at run time; scripts stay strict.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // No upgrade-insecure-requests: a self-hosted install on plain HTTP inside a LAN must keep
    // working; TLS and HSTS belong to the ingress that terminates HTTPS.
  },
};

let metricsMiddleware:
  (RequestHandler & { metrics: { http_request_duration_seconds: { observe(labels: object, v: number): void } } }) | undefined;

const requestIdPattern = /^[\w.-]{1,64}$/;
const traceparentPattern = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The HTTP app every service and the embedded platform share: security headers, request ids
 * and trace context, structured request logs, metrics, health, JSON body rules, problem+json.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', 'simple');

  // Anonymous GETs of public resources answered from the response cache, before anything else:
  // the same headers, a fresh request id, an access-log line and the request metric, nothing more.
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.headers.authorization !== undefined) return next();
    const hit = responseCache.get(req.url);
    if (!hit) {
      res.locals.responseCacheMark = responseCache.mark();
      return next();
    }
    const started = performance.now();
    const requestId = randomUUID();
    const notModified = hit.etag !== undefined && req.headers['if-none-match'] === hit.etag;
    const status = notModified ? 304 : hit.status;
    res.writeHead(status, { ...hit.headers, 'x-request-id': requestId, 'content-length': notModified ? 0 : hit.body.length });
    res.end(req.method === 'HEAD' || notModified ? undefined : hit.body);
    const seconds = (performance.now() - started) / 1000;
    metricsMiddleware?.metrics.http_request_duration_seconds.observe(
      { status_code: String(status), method: req.method, path: hit.route, service: hit.service ?? options.service },
      seconds,
    );
    logger.info(
      {
        reqId: requestId,
        req: { method: req.method, url: loggablePath(req.url) },
        res: { statusCode: status },
        responseTime: seconds * 1000,
        cache: 'hit',
      },
      'request completed',
    );
  });

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && requestIdPattern.test(incoming) ? incoming : randomUUID();
    const incomingTrace = req.get('traceparent');
    const traceparent = incomingTrace && traceparentPattern.test(incomingTrace) ? incomingTrace : newTraceparent();
    res.setHeader('x-request-id', requestId);
    // The metrics middleware is made once per process; this app's name is the label's fallback.
    res.locals.app = options.service;
    (req as { id?: string }).id = requestId;
    requestContext.run({ requestId, traceId: traceIdOf(traceparent), traceparent }, next);
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as { id?: string }).id ?? randomUUID(),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      // 503 is deliberate load shedding (with Retry-After), not a fault: a warning, not an error.
      customLogLevel: (_req, res, err) =>
        err || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Method, path and status only: never headers with credentials, never bodies.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: loggablePath(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: contentSecurityPolicy,
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
    }),
  );
  app.use(
    (metricsMiddleware ??= promBundle({
      includeMethod: true,
      includePath: true,
      includeStatusCode: true,
      // Label by route pattern (`/api/events/:id`), never by raw URL: bounded label cardinality.
      normalizePath: (req) => {
        const r = req as { route?: { path?: unknown }; baseUrl?: string };
        return typeof r.route?.path === 'string' ? `${r.baseUrl ?? ''}${r.route.path}` : 'unmatched';
      },
      customLabels: { service: options.service },
      // In embedded mode one app answers for every service: label by the service whose route matched.
      transformLabels: (labels, _req, res) => {
        labels.service = answeringService(res, String(res.locals.app ?? labels.service), labels.path !== 'unmatched');
      },
      promClient: { collectDefaultMetrics: {} },
      // `/metrics` is served below only where it is wanted (never on the embedded public port).
      autoregister: false,
      bypass: (req) => req.path === '/metrics',
    }) as NonNullable<typeof metricsMiddleware>),
  );
  if (options.serveMetrics !== false) app.get('/metrics', metricsHandler);
  registerDependencyProbes(options.service, options.readiness);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await readinessReport(options.service, options.readiness);
    res.status(report.status === 'not ready' ? 503 : 200).json(report);
  });

  app.use(requireJsonBody);
  app.use(express.json({ limit: options.bodyLimit ?? '100kb', type: ['application/json', 'application/*+json'], strict: true }));
  for (const router of options.routers) app.use(router);
  options.after?.(app);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** What `/readyz` answers (503 when `status` is `not ready`): each check, the degraded ones, the release and the process's uptime. */
export interface ReadinessReport {
  status: 'ready' | 'degraded' | 'not ready';
  checks: Record<string, 'ok' | 'unavailable'>;
  degraded?: string[];
  version: string;
  uptimeSeconds: number;
}

/** The workspaces are versioned together: the kit's version is the release's. */
const releaseVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * Runs a service's readiness checks and says what `/readyz` answers. `record` (default true) sets
 * `secureevent_dependency_up`; a caller outside `/readyz` whose service's series no scrape
 * refreshes (the embedded platform's per-service probes) leaves it alone, so no stale series stays.
 */
export async function readinessReport(
  service: string,
  checks: readonly ReadinessCheck[],
  options: { record?: boolean } = {},
): Promise<ReadinessReport> {
  const results = await probeDependencies(service, checks, options.record ?? true);
  const failing = results.filter((r) => !r.ok);
  const ready = failing.every((r) => r.required === false);
  return {
    status: !ready ? 'not ready' : failing.length > 0 ? 'degraded' : 'ready',
    checks: Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : 'unavailable'])),
    ...(ready && failing.length > 0 ? { degraded: failing.map((r) => r.name) } : {}),
    version: releaseVersion,
    uptimeSeconds: Math.round(process.uptime()),
  };
}

/** Paths whose last segment is a credential (calendar feed URLs are the subscriber's secret). */
const secretPaths = [/^(\/api\/calendar\/feed\/)[^/]+$/];

/** The request path for logs: no query string, and secrets in paths masked. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '';
  for (const pattern of secretPaths) if (pattern.test(path)) return path.replace(pattern, '$1[REDACTED]');
  return path;
}

/** Refuses bodies that are not JSON with 415, instead of silently ignoring them. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the request body as application/json.');
  }
  next();
};

/**
 * Runs every readiness check (each bounded by 2 s) and records the outcome in
 * `secureevent_dependency_up{service, dependency}`.
 */
async function probeDependencies(service: string, checks: readonly ReadinessCheck[], record = true) {
  return Promise.all(
    checks.map(async (probe) => {
      let ok = true;
      try {
        await withTimeout(probe.check(), 2000);
      } catch {
        ok = false;
      }
      if (record) dependencyUp.set({ service, dependency: probe.name }, ok ? 1 : 0);
      return { name: probe.name, required: probe.required, ok };
    }),
  );
}

/** The checks of each app by service name, probed again on every scrape of `/metrics`. */
const probesByService = new Map<string, readonly ReadinessCheck[]>();
function registerDependencyProbes(service: string, checks: readonly ReadinessCheck[]) {
  probesByService.set(service, checks);
}

const dependencyUp = gauge(
  'secureevent_dependency_up',
  'Whether a dependency answered its readiness check at the last probe (1) or not (0)',
  ['service', 'dependency'],
  async () => {
    await Promise.all([...probesByService].map(([service, checks]) => probeDependencies(service, checks)));
  },
);

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
