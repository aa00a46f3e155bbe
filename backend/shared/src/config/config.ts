import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema; its message is one readable line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses `env` with `schema` once at start. On failure throws a ConfigError whose message names
 * every bad variable on one line, e.g. `Invalid configuration: DATABASE_URL: must be a postgres:// URL`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/** Treats an empty (or blank) variable as unset, as shells and orchestrators often pass them. */
export const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** An optional URL variable that must use one of `protocols` (e.g. `['smtp:', 'smtps:']`). */
export function urlWithProtocols(protocols: string[], label: string) {
  return z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        { message: `must be a ${label} URL (${protocols.map((p) => `${p}//`).join(' or ')})` },
      )
      .optional(),
  );
}

/** Environment variables every service understands (DESIGN.md §5). All optional in embedded mode. */
export const commonEnv = {
  PORT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, 'must be a port number (0–65535)')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be a port number (0–65535)')
      .optional(),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  PUBLIC_URL: urlWithProtocols(['http:', 'https:'], 'http(s)'),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'PostgreSQL'),
  AMQP_URL: urlWithProtocols(['amqp:', 'amqps:'], 'AMQP'),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'Redis'),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  JWKS_URL: urlWithProtocols(['http:', 'https:'], 'http(s)'),
  JWT_ISSUER: z.preprocess(emptyToUndefined, z.string().default('secureevent')),
  JWT_AUDIENCE: z.preprocess(emptyToUndefined, z.string().default('secureevent-api')),
  /**
   * Which proxies may set X-Forwarded-For (Express `trust proxy`): unset or `none` trusts nobody
   * (the default: a client connecting directly cannot choose the address that rate limits,
   * lockouts and audit see); `loopback` for nginx on the same host (`npm run start:distributed`
   * sets it), a comma-separated list of addresses/CIDRs or `loopback`/`linklocal`/`uniquelocal`,
   * or a hop count. Behind a Kubernetes Ingress: the pod network's CIDR. Never "everything".
   */
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^(?:\d{1,2}|[\w.:/-]+(?:\s*,\s*[\w.:/-]+)*)$/, 'must be none, loopback, a list of addresses or CIDRs, or a hop count')
      .refine((v) => !/^(?:true|false)$/i.test(v), 'must name the proxies (true would trust any client; none trusts nobody)')
      .optional()
      .transform((v): string | number | false => (v === undefined || v === 'none' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  ),
  /**
   * How long a request waits for a database connection, and how long one statement may run, in
   * milliseconds; past it the request is answered 503 with Retry-After (default 1500).
   */
  DATABASE_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{2,6}$/, 'must be a number of milliseconds (10–999999)')
      .transform(Number)
      .optional(),
  ),
  /** The RabbitMQ topic exchange (queue names start with it), so deployments can share a broker. */
  AMQP_EXCHANGE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.-]{1,100}$/, 'must be letters, digits, ".", "-" or "_"')
      .default('secureevent'),
  ),
  /** Prefix of every Redis key and channel, so deployments can share a Redis. */
  REDIS_KEY_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.-]{1,100}$/, 'must be letters, digits, ".", "-" or "_"')
      .default('secureevent'),
  ),
  /** RabbitMQ queue type: `quorum` (replicated, for a broker cluster in production) or `classic`. */
  AMQP_QUEUE_TYPE: z.preprocess(emptyToUndefined, z.enum(['classic', 'quorum']).default('classic')),
  /** Set in CI: refuse to start on embedded adapters when a real server URL is missing. */
  SECUREEVENT_REQUIRE_EXTERNAL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['0', '1', 'true', 'false'])
      .default('0')
      .transform((v) => v === '1' || v === 'true'),
  ),
};

/** Fails fast when external adapters are required but their URLs are missing (no silent fallback). */
export function assertExternalAdapters(config: {
  SECUREEVENT_REQUIRE_EXTERNAL: boolean;
  DATABASE_URL?: string | undefined;
  AMQP_URL?: string | undefined;
  REDIS_URL?: string | undefined;
}): void {
  if (!config.SECUREEVENT_REQUIRE_EXTERNAL) return;
  const missing = (['DATABASE_URL', 'AMQP_URL', 'REDIS_URL'] as const).filter((k) => !config[k]);
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration: ${missing.join(', ')}: required because SECUREEVENT_REQUIRE_EXTERNAL is set`);
  }
}
