import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig } from '@secureevent/shared';
import { auditEnv } from '@secureevent/audit-service';
import { notificationEnv } from '@secureevent/notification-service';
import { assistEnv, eventServiceEnvSchema } from '@secureevent/event-service';
import { userServiceEnvSchema } from '@secureevent/user-service';

/** The launcher's environment: everything the user-service reads, plus where the SPA build lives. */
export const platformEnvSchema = z.intersection(
  userServiceEnvSchema,
  z.object({
    PORT: commonEnv.PORT,
    SPA_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
    TICKET_SECRET: eventServiceEnvSchema.shape.TICKET_SECRET,
    REQUIRE_VERIFIED_EMAIL: eventServiceEnvSchema.shape.REQUIRE_VERIFIED_EMAIL,
    ...assistEnv,
    ...auditEnv,
    ...notificationEnv,
    /**
     * Where `/metrics` is served in embedded mode: its own port (default 9464; 0 = any free port),
     * never the public one, on loopback unless METRICS_HOST says otherwise.
     */
    METRICS_PORT: commonEnv.PORT.transform((p) => p ?? 9464),
    METRICS_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  }),
);
export type PlatformConfig = z.infer<typeof platformEnvSchema>;

/**
 * The address the running app answers on, for links in emails and calendar entries when
 * PUBLIC_URL is not set: HOST and PORT as the platform listens, with a wildcard host (0.0.0.0,
 * ::) read as localhost. Undefined for PORT=0 (any free port: not known until listening).
 */
export function defaultPublicUrl(host: string, port: number | undefined): string | undefined {
  const effectivePort = port ?? 8080;
  if (effectivePort === 0) return undefined;
  const name = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${effectivePort}`;
}

/** Reads and validates the environment once; PUBLIC_URL defaults from HOST and PORT. */
export const loadPlatformConfig = (env: Record<string, string | undefined> = process.env): PlatformConfig => {
  const config = loadConfig(platformEnvSchema, env);
  return { ...config, PUBLIC_URL: config.PUBLIC_URL ?? defaultPublicUrl(config.HOST, config.PORT) };
};
