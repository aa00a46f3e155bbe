import { once } from 'node:events';
import type { JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { commonEnv, ConfigError } from '../config/config.js';
import { createHttpApp } from '../http/create-app.js';
import { guardAgainstConnectionErrors } from '../lifecycle/process-guard.js';
import { closeServer, handleShutdown } from '../lifecycle/shutdown.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { remoteJwks } from '../auth/token-verifier.js';
import { connectAdapters } from './adapters.js';
import { bootService, type BootedService } from './boot.js';
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
  guardAgainstConnectionErrors(logger);

  const keys = options.keys ?? remoteJwks(config.JWKS_URL ?? 'http://127.0.0.1:8080/api/auth/.well-known/jwks.json');
  const adapters = await connectAdapters(config, { logger, pgliteDir: `pglite-${definition.name}`, keys });
  if (!config.AMQP_URL) logger.warn('AMQP_URL is not set: messages stay inside this process');
  const { database, transport } = adapters;
  let booted: BootedService<DB>;
  try {
    booted = await bootService(definition, adapters);
  } catch (err) {
    await adapters.close().catch(() => undefined);
    throw err;
  }

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
      { name: 'adapters', run: () => adapters.close() },
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
