import path from 'node:path';
import type { JWTVerifyGetKey } from 'jose';
import type { z } from 'zod';
import { connectCache } from '../cache/cache.js';
import { assertExternalAdapters, type commonEnv } from '../config/config.js';
import { connectDatabase } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import { startAmqpTransport } from '../messaging/amqp-transport.js';
import { createInProcessTransport } from '../messaging/in-process-transport.js';
import { createTokenVerifier } from '../auth/token-verifier.js';
import type { Adapters } from './boot.js';

/** The common settings (DESIGN.md §5) that choose the adapters; every service's config has them. */
export type AdapterConfig = z.output<z.ZodObject<typeof commonEnv>>;

/** Adapters made from a config, with the means to close the ones made here. */
export interface ConnectedAdapters extends Adapters {
  /** Closes the transport and the database unless they were handed in (those belong to the caller). */
  close(): Promise<void>;
}

/** How `connectAdapters` builds what the config leaves open. */
export interface ConnectAdaptersOptions {
  logger: Logger;
  /** Where PGlite keeps its files without DATABASE_URL, below DATA_DIR (`pglite` for the platform, `pglite-<service>` alone). */
  pgliteDir: string;
  /** Keys that verify access tokens: the user-service's own in its process; the JWKS behind `jwksUrl` otherwise. */
  keys: JWTVerifyGetKey;
  /** Adapters made by the caller (tests isolate the database, exchange and cache this way); never closed here. */
  injected?: Partial<Pick<Adapters, 'database' | 'transport' | 'cache'>>;
}

/**
 * The one way a process builds its adapters from the validated config, for the platform launcher
 * and every standalone service alike: PostgreSQL or PGlite, RabbitMQ or the in-process
 * transport, Redis or the local cache, and the token verifier. A run that must use real servers
 * (SECUREEVENT_REQUIRE_EXTERNAL) stops here when one of their URLs is missing.
 */
export async function connectAdapters(config: AdapterConfig, options: ConnectAdaptersOptions): Promise<ConnectedAdapters> {
  const { logger, injected = {} } = options;
  assertExternalAdapters(config);
  const database =
    injected.database ??
    (await connectDatabase({
      url: config.DATABASE_URL,
      dataDir: path.join(config.DATA_DIR, options.pgliteDir),
      logger,
      ...(config.DATABASE_TIMEOUT_MS ? { timeoutMs: config.DATABASE_TIMEOUT_MS } : {}),
    }));
  try {
    const transport =
      injected.transport ??
      (config.AMQP_URL
        ? await startAmqpTransport({ url: config.AMQP_URL, logger, exchange: config.AMQP_EXCHANGE, queueType: config.AMQP_QUEUE_TYPE })
        : createInProcessTransport(logger));
    return {
      database,
      transport,
      logger,
      cache:
        injected.cache ?? ((prefix) => connectCache({ url: config.REDIS_URL, prefix: `${config.REDIS_KEY_PREFIX}:${prefix}`, logger })),
      verifier: createTokenVerifier({ keys: options.keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
      async close() {
        if (!injected.transport) await transport.close();
        if (!injected.database) await database.close();
      },
    };
  } catch (err) {
    if (!injected.database) await database.close().catch(() => undefined);
    throw err;
  }
}
