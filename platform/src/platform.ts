import { existsSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { type Express } from 'express';
import {
  attachUpgrades,
  type TrustProxy,
  bootServices,
  connectAdapters,
  createHttpApp,
  createMetricsApp,
  inProcessReadinessProbe,
  standardReadiness,
  type ReadinessProbe,
  type Adapters,
  type AttachedUpgrades,
  type RunningService,
  type Logger,
} from '@secureevent/shared';
import { auditOptionsFrom, auditService } from '@secureevent/audit-service';
import { eventService, eventServiceOptionsFrom } from '@secureevent/event-service';
import { createNotificationService, notificationOptionsFrom } from '@secureevent/notification-service';
import { keyStoreFrom, PRIVACY_EXPORT_PATHS, userService, userServiceOptionsFrom } from '@secureevent/user-service';
import type { PlatformConfig } from './config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

/** Where the production Angular build is expected. */
export const defaultSpaDir = path.join(repoRoot, 'frontend/angular-app/dist/angular-app/browser');

/** The running platform: one HTTP app, every service booted over shared adapters. */
export interface Platform {
  app: Express;
  /** Serves only `/metrics`, for METRICS_PORT (the public `app` does not serve it). */
  metricsApp: Express;
  mode: 'embedded' | 'external';
  /** The booted services, in start order (their routers and OpenAPI documents; suites generated from them). */
  services: readonly RunningService[];
  /**
   * Routes HTTP upgrades on `server` (the one `app` listens on) to the services that take them:
   * `/ws` to the notification-service. Close the returned connections on shutdown.
   */
  attach(server: Server): AttachedUpgrades;
  stop(): Promise<void>;
}

/**
 * Embedded mode: one process, one database (PGlite under DATA_DIR unless DATABASE_URL is set),
 * one transport, each service mounted under its own prefix and confined to its own schema.
 */
export async function startPlatform(
  config: PlatformConfig,
  logger: Logger,
  /** Adapters made by the caller (tests isolate the database and exchange this way). */
  injected: Partial<Pick<Adapters, 'database' | 'transport' | 'cache'>> = {},
): Promise<Platform> {
  const external = Boolean(config.DATABASE_URL && config.AMQP_URL && config.REDIS_URL);
  const keys = await keyStoreFrom(config);
  // In one process the services verify tokens against the user-service's keys directly.
  const adapters = await connectAdapters(config, { logger, pgliteDir: 'pglite', keys: keys.verificationKeys, injected });
  const { database, transport } = adapters;

  let services: RunningService[];
  // A personal-data export asks each service's export route over HTTP, as in distributed mode
  // (ADR 0029): here through a loopback-only listener on this same app, opened on first use.
  let internal: { server: http.Server; base: Promise<string> } | undefined;
  const internalBase = () => {
    if (!internal) {
      const server = http.createServer(app);
      const base = new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      });
      internal = { server, base };
    }
    return internal.base;
  };
  const privacySources = async () => {
    const base = await internalBase();
    return Object.entries(PRIVACY_EXPORT_PATHS).map(([service, p]) => ({ service, url: `${base}${p}` }));
  };
  // GET /api/audit/platform-health asks each booted service's readiness checks in-process: the
  // same checks and the same report its own /readyz would make standalone (ADR 0031).
  let healthProbes: readonly ReadinessProbe[] = [];
  try {
    services = await bootServices(
      [
        userService({ ...userServiceOptionsFrom(config, keys), privacySources }),
        eventService(eventServiceOptionsFrom(config)),
        createNotificationService(notificationOptionsFrom(config)),
        auditService({ ...auditOptionsFrom(config), platformHealth: { probes: () => healthProbes } }),
      ],
      adapters,
    );
  } catch (err) {
    await adapters.close().catch(() => undefined);
    throw err;
  }

  healthProbes = services.map((s) =>
    inProcessReadinessProbe(s.module.name, standardReadiness({ database, schema: s.module.schema, transport, cache: s.cache })),
  );

  const spaDir = config.SPA_DIR ?? defaultSpaDir;
  const app = createHttpApp({
    service: 'platform',
    logger,
    trustProxy: config.TRUST_PROXY,
    // The public port never serves /metrics: `metricsApp` does, on METRICS_PORT (loopback).
    serveMetrics: false,
    routers: services.map((s) => s.router),
    readiness: standardReadiness({ database, schema: 'public', transport, ...(services[0] ? { cache: services[0].cache } : {}) }),
    after: (a) => {
      // The web app and the API reference go out compressed (as nginx does in distributed mode);
      // API answers do not: they are small, and the hot ones are served from the response cache.
      a.use(
        compression({
          filter: (req, res) => (!req.path.startsWith('/api/') || req.path.startsWith('/api/docs')) && compression.filter(req, res),
        }),
      );
      mountDocs(a);
      mountSpa(a, spaDir, logger);
    },
  });

  return {
    app,
    metricsApp: createMetricsApp(),
    mode: external ? 'external' : 'embedded',
    services,
    attach: (server) =>
      attachUpgrades(
        server,
        services.flatMap((s) => (s.module.upgrade ? [s.module.upgrade] : [])),
        logger,
        app.get('trust proxy fn') as TrustProxy,
      ),
    async stop() {
      if (internal) {
        const { server } = internal;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      for (const s of services.reverse()) await s.stop().catch((err: unknown) => logger.warn({ err }, 'service stop failed'));
      // Injected adapters belong to the caller, which closes them.
      await adapters.close();
    },
  };
}

/** `/api/docs`: Swagger UI over every service's OpenAPI document, served as files (CSP-safe). */
function mountDocs(app: Express) {
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.use('/api/docs/swagger-ui', express.static(swaggerDir, { index: false, maxAge: '1d' }));
  app.use('/api/docs', express.static(path.join(repoRoot, 'platform/docs-ui'), { index: 'index.html', redirect: false }));
  app.get('/api/docs', (_req, res) => res.sendFile(path.join(repoRoot, 'platform/docs-ui/index.html')));
}

const HASHED_ASSET = /-[A-Z0-9]{8}\.(?:js|mjs|css|map|woff2?|ttf|eot|otf|svg|png|jpe?g|gif|webp|avif|ico)$/;

/** The Angular app: hashed assets cached for a year, index.html never cached, deep links fall back to it. */
function mountSpa(app: Express, spaDir: string, logger: Logger) {
  const index = path.join(spaDir, 'index.html');
  if (!existsSync(index)) {
    logger.warn({ spaDir }, 'the web app is not built (run `npm run build`); serving the API only');
    return;
  }
  app.use(
    express.static(spaDir, {
      index: false,
      setHeaders: (res, file) => {
        // Content-hashed build output (main-ABCD1234.js, chunk-…, media/…), as in platform/nginx.
        res.setHeader('cache-control', HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/') || req.path === '/ws' || !req.accepts('html')) {
      return next();
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
