import path from 'node:path';
import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig } from '@secureevent/shared';

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

/** The audit-service's environment: the common variables plus its signing key and retention. */
export const auditServiceEnvSchema = z.object({ ...commonEnv, ...auditEnv });
export type AuditServiceConfig = z.infer<typeof auditServiceEnvSchema>;

/** The audit-service's configuration, read from the environment once. */
export const loadAuditServiceConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(auditServiceEnvSchema, env);

/** The audit-service's options from a validated config (standalone or embedded). */
export function auditOptionsFrom(config: {
  DATA_DIR: string;
  AUDIT_SIGNING_KEY?: string | undefined;
  AUDIT_RETENTION_DAYS?: number | undefined;
  AUDIT_ARCHIVE_DIR?: string | undefined;
}) {
  return {
    signingKey: { privateKeys: config.AUDIT_SIGNING_KEY, file: path.join(config.DATA_DIR, 'audit-signing-keys.json') },
    retention: config.AUDIT_RETENTION_DAYS
      ? { days: config.AUDIT_RETENTION_DAYS, archiveDir: config.AUDIT_ARCHIVE_DIR ?? path.join(config.DATA_DIR, 'audit-archive') }
      : undefined,
  };
}
