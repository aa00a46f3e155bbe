import { buildOpenApi, loadSigningKeys, type ReadinessProbe, type ServiceDefinition, type SigningKeys } from '@secureevent/shared';
import { migrations } from './db/migrations/index.js';
import type { AuditDb } from './db/schema.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { platformHealthRoutes } from './platform-health/platform-health.routes.js';
import { archiveTrail } from './trail/archive-trail.js';
import { auditRoutes } from './trail/audit.routes.js';
import { recordEntryConsumer } from './trail/record-entry.consumer.js';

/** What the audit-service is built from (see `auditOptionsFrom` for the environment's). */
export interface AuditServiceOptions {
  /** Export signing keys, or where to load them from; an ephemeral key without. */
  signingKey?: SigningKeys | { privateKeys?: string | undefined; file?: string | undefined };
  /** Archive entries older than `days` into `archiveDir`, checked every `intervalMs` (default hourly). */
  retention?: { days: number; archiveDir: string; intervalMs?: number } | undefined;
  /**
   * The services `GET /api/audit/platform-health` asks for their readiness (ADR 0031): over HTTP
   * from PLATFORM_HEALTH_URLS standalone, in-process in the embedded platform; none without.
   */
  platformHealth?: { probes: () => readonly ReadinessProbe[]; timeoutMs?: number } | undefined;
}

const DAY_MS = 86_400_000;

/** The audit-service: a tamper-evident trail of every message on the exchange (schema `audit`). */
export function auditService(options: AuditServiceOptions = {}): ServiceDefinition<AuditDb> {
  return {
    name: 'audit-service',
    schema: 'audit',
    async create(deps) {
      const keys =
        options.signingKey && 'signingKey' in options.signingKey ? options.signingKey : await loadSigningKeys(options.signingKey ?? {});
      const trail = auditRoutes(deps, keys);
      const privacy = privacyRoutes(deps);
      const health = platformHealthRoutes(deps, options.platformHealth?.probes ?? (() => []), options.platformHealth?.timeoutMs);
      const retention = options.retention;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<unknown> | undefined;
      const archiveNow = () => {
        if (!retention || running) return;
        const cutoff = new Date(Date.now() - retention.days * DAY_MS);
        running = archiveTrail({ db: deps.sdb.db, keys, archiveDir: retention.archiveDir, logger: deps.logger }, cutoff)
          .catch((err: unknown) => deps.logger.warn({ err }, 'audit archiving failed; will retry'))
          .finally(() => (running = undefined));
      };
      return {
        name: 'audit-service',
        schema: 'audit',
        migrations,
        routers: [privacy.router, trail.router, health.router],
        openapi: {
          path: '/api/audit/openapi.json',
          document: buildOpenApi({ title: 'SecureEvent audit-service', version: '0.1.0', description: 'Tamper-evident audit trail.' }, [
            trail.paths,
            privacy.paths,
            health.paths,
          ]),
        },
        consumers: [recordEntryConsumer],
        async start() {
          if (!retention) return;
          archiveNow();
          timer = setInterval(archiveNow, retention.intervalMs ?? 3_600_000);
          timer.unref();
        },
        async stop() {
          if (timer) clearInterval(timer);
          await running;
        },
      };
    },
  };
}
