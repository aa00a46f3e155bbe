import path from 'node:path';
import { z } from 'zod';
import { commonEnv, emptyToUndefined, httpReadinessProbe, loadConfig } from '@secureevent/shared';

const DEFAULT_HEALTH_URLS = [
  'user-service=http://127.0.0.1:3001',
  'event-service=http://127.0.0.1:3002',
  'notification-service=http://127.0.0.1:3003',
  'audit-service=http://127.0.0.1:3004',
].join(',');

/** The settings that are the audit-service's own (besides the common ones), as the platform launcher passes them too. */
export const auditEnv = {
  /** The export signing keys: a JSON array of private Ed25519 JWKs, newest first (rotation); generated under DATA_DIR without it. */
  AUDIT_SIGNING_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => {
        try {
          const keys = JSON.parse(v) as unknown;
          return (Array.isArray(keys) ? keys : [keys]).every((k) => typeof k === 'object' && k !== null && 'd' in k);
        } catch {
          return false;
        }
      }, 'must be a JSON array of private JWKs (Ed25519)')
      .optional(),
  ),
  /** Archive (export, sign, then delete) entries older than this many days; unset keeps everything forever. */
  AUDIT_RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(36_500).optional()),
  /** Where archives are written; default DATA_DIR/audit-archive. On Kubernetes, a persistent volume. */
  AUDIT_ARCHIVE_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
};

/** Standalone only: the embedded platform asks its services in-process. */
const platformHealthEnv = {
  /**
   * Where `GET /api/audit/platform-health` asks each service's own `/readyz`: comma-separated
   * `name=http://host:port` (on Kubernetes the Services' DNS names); default the four services on
   * loopback at their default ports, as `npm run start:distributed` runs them.
   */
  PLATFORM_HEALTH_URLS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(DEFAULT_HEALTH_URLS)
      .transform((v, ctx) => {
        const targets = v.split(',').map((pair) => {
          const [name = '', url = ''] = pair.split(/=(.*)/s, 2).map((x) => x.trim());
          return { name, url };
        });
        for (const t of targets) {
          if (!/^[a-z][a-z0-9-]{0,62}$/.test(t.name) || !URL.canParse(t.url) || !/^https?:$/.test(new URL(t.url).protocol)) {
            ctx.addIssue({ code: 'custom', message: 'must be comma-separated name=http(s)://host:port pairs' });
            return z.NEVER;
          }
        }
        return targets;
      }),
  ),
};

/** The audit-service's environment: the common variables plus its signing key, retention and the services it reports on. */
export const auditServiceEnvSchema = z.object({ ...commonEnv, ...auditEnv, ...platformHealthEnv });
export type AuditServiceConfig = z.infer<typeof auditServiceEnvSchema>;

/** The audit-service's configuration, read from the environment once. */
export const loadAuditServiceConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(auditServiceEnvSchema, env);

/** The audit-service's options from a validated config (standalone or embedded). */
export function auditOptionsFrom(config: {
  DATA_DIR: string;
  AUDIT_SIGNING_KEY?: string | undefined;
  AUDIT_RETENTION_DAYS?: number | undefined;
  AUDIT_ARCHIVE_DIR?: string | undefined;
  PLATFORM_HEALTH_URLS?: readonly { name: string; url: string }[] | undefined;
}) {
  const healthProbes = (config.PLATFORM_HEALTH_URLS ?? []).map((t) => httpReadinessProbe(t.name, t.url));
  return {
    signingKey: { privateKeys: config.AUDIT_SIGNING_KEY, file: path.join(config.DATA_DIR, 'audit-signing-keys.json') },
    retention: config.AUDIT_RETENTION_DAYS
      ? { days: config.AUDIT_RETENTION_DAYS, archiveDir: config.AUDIT_ARCHIVE_DIR ?? path.join(config.DATA_DIR, 'audit-archive') }
      : undefined,
    platformHealth: healthProbes.length > 0 ? { probes: () => healthProbes } : undefined,
  };
}
