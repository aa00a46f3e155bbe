import { once } from 'node:events';
import path from 'node:path';
import type { JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { connectCache } from '../cache/cache.js';
import { assertExternalAdapters, commonEnv, ConfigError } from '../config/config.js';
import { connectDatabase } from '../db/database.js';
import { createHttpApp } from '../http/create-app.js';
import { guardAgainstConnectionErrors } from '../lifecycle/process-guard.js';
import { closeServer, handleShutdown } from '../lifecycle/shutdown.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { startAmqpTransport } from '../messaging/amqp-transport.js';
import { createInProcessTransport } from '../messaging/in-process-transport.js';
import type { Transport } from '../messaging/transport.js';
import { createTokenVerifier, remoteJwks } from '../auth/token-verifier.js';
import { bootService } from './boot.js';
import { standardReadiness } from './readiness.js';
import type { ServiceDefinition } from './service-module.js';
import { attachUpgrades, type TrustProxy } from './upgrade.js';

/** The environment every standalone service reads (DESIGN.md §5). */
export const standaloneEnvSchema = z.object(commonEnv);
export type StandaloneConfig = z.infer<typeof standaloneEnvSchema>;

/** Options for `runStandalone`. */
export interface StandaloneOptions<DB> {
  definition: ServiceDefinition<DB>;
  config: StandaloneConfig;
  defaultPort: number;
  /** Verification keys when the service holds them itself (the user-service); JWKS_URL otherwise. */
  keys?: JWTVerifyGetKey;
  logger?: Logger;
}

/**
 * Runs one service as its own process (distributed mode): adapters from the config, HTTP on
 * PORT, consumers and relay, and graceful shutdown on SIGTERM/SIGINT.
 */
export async function runStandalone<DB>(options: StandaloneOptions<DB>): Promise<void> {
  const { config, definition } = options;
  const logger = options.logger ?? createLogger(definition.name, { level: config.LOG_LEVEL });
  assertExternalAdapters(config);
  guardAgainstConnectionErrors(logger);

  const database = await connectDatabase({
    url: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, `pglite-${definition.name}`),
    logger,
    ...(config.DATABASE_TIMEOUT_MS ? { timeoutMs: config.DATABASE_TIMEOUT_MS } : {}),
  });
  const transport: Transport = config.AMQP_URL
    ? await startAmqpTransport({ url: config.AMQP_URL, logger, exchange: config.AMQP_EXCHANGE, queueType: config.AMQP_QUEUE_TYPE })
    : createInProcessTransport(logger);
  if (!config.AMQP_URL) logger.warn('AMQP_URL is not set: messages stay inside this process');

  const keys = options.keys ?? remoteJwks(config.JWKS_URL ?? 'http://127.0.0.1:8080/api/auth/.well-known/jwks.json');
  const booted = await bootService(definition, {
    database,
    transport,
    cache: (prefix) => connectCache({ url: config.REDIS_URL, prefix: `${config.REDIS_KEY_PREFIX}:${prefix}`, logger }),
    logger,
    verifier: createTokenVerifier({ keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
  });

  const app = createHttpApp({
    service: definition.name,
    logger,
    trustProxy: config.TRUST_PROXY,
    routers: [booted.router],
    readiness: standardReadiness({ database, schema: definition.schema, transport, cache: booted.cache }),
  });
  const server = app.listen(config.PORT ?? options.defaultPort, config.HOST);
  const upgrades = attachUpgrades(
    server,
    booted.module.upgrade ? [booted.module.upgrade] : [],
    logger,
    app.get('trust proxy fn') as TrustProxy,
  );
  await once(server, 'listening');
  logger.info({ address: server.address() }, `${definition.name} listening`);

  handleShutdown({
    logger,
    steps: [
      // Upgraded connections (WebSockets) count as the server's own: close them while it drains.
      { name: 'http', run: () => Promise.all([closeServer(server), upgrades.closeAll()]).then(() => undefined) },
      { name: 'service', run: () => booted.stop() },
      { name: 'transport', run: () => transport.close() },
      { name: 'database', run: () => database.close() },
    ],
  });
}

/**
 * Entry-point wrapper: a configuration error ends the process at once with its one line on
 * stderr; any other start-up failure is logged and exits non-zero.
 */
export function main(start: () => Promise<void>): void {
  // Promise.resolve().then: a start function that throws synchronously (config) is handled the same way.
  Promise.resolve()
    .then(start)
    .catch((err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
      } else {
        process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      }
      process.exit(1);
    });
}
