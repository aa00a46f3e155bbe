import express, { type Router } from 'express';
import type { DatabaseConnection } from '../db/database.js';
import { migrate } from '../db/migrations/migrate.js';
import { migrateAuditSubjectKeys } from '../audit/subject-keys.repository.js';
import { answeredBy } from '../metrics/metrics.js';
import type { Cache } from '../cache/cache.js';
import { loggerFor, type Logger } from '../logging/logger.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { disabledUsersOf } from '../auth/disabled-users.js';
import { startConsumers } from '../messaging/consumer.js';
import { createOutbox } from '../messaging/outbox.js';
import { startOutboxRelay, type OutboxRelay } from '../messaging/relay.js';
import type { Transport } from '../messaging/transport.js';
import type { ServiceDefinition, ServiceModule } from './service-module.js';

/** Adapters shared by the services of one process. */
export interface Adapters {
  database: DatabaseConnection;
  transport: Transport;
  cache: (prefix: string) => Promise<Cache>;
  logger: Logger;
  verifier: TokenVerifier;
}

/** Tuning for tests: how the background work of a booted service behaves. */
export interface BootOptions {
  /** The outbox relay's fallback poll (default 1 s); a test that proves NOTIFY wake-ups sets it to hours. */
  relayPollIntervalMs?: number;
}

/** A service that is migrated, consuming and relaying, with a router that serves its OpenAPI document. */
export interface BootedService<DB> {
  module: ServiceModule<DB>;
  router: Router;
  relay: OutboxRelay;
  cache: Cache;
  stop(): Promise<void>;
}

/** What a launcher holds of a booted service, whatever its database type (several fit in one list). */
export interface RunningService {
  module: Pick<ServiceModule, 'name' | 'schema' | 'routers' | 'openapi' | 'upgrade'>;
  router: Router;
  cache: Cache;
  stop(): Promise<void>;
}

/** Boots one service (see `bootServices`). */
export async function bootService<DB>(
  definition: ServiceDefinition<DB>,
  adapters: Adapters,
  options: BootOptions = {},
): Promise<BootedService<DB>> {
  const prepared = await prepareService(definition, adapters, options);
  try {
    return await prepared.activate();
  } catch (err) {
    await prepared.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Boots services in two phases: first every service is created, migrated and subscribed, then
 * relays and background work start. Every consumer queue therefore exists before the first
 * message is published, so nothing published at start-up (the bootstrap admin) is unroutable.
 * Each definition keeps its own database type (`Defs` is inferred from the list).
 */
export async function bootServices<const Defs extends readonly unknown[]>(
  definitions: { readonly [K in keyof Defs]: ServiceDefinition<Defs[K]> },
  adapters: Adapters,
  options: BootOptions = {},
): Promise<BootedService<Defs[number]>[]> {
  const prepared: Prepared<Defs[number]>[] = [];
  try {
    for (const d of definitions) prepared.push(await prepareService(d, adapters, options));
    const booted: BootedService<Defs[number]>[] = [];
    for (const p of prepared) booted.push(await p.activate());
    return booted;
  } catch (err) {
    for (const p of prepared.reverse()) await p.stop().catch(() => undefined);
    throw err;
  }
}

interface Prepared<DB> {
  activate(): Promise<BootedService<DB>>;
  stop(): Promise<void>;
}

async function prepareService<DB>(definition: ServiceDefinition<DB>, adapters: Adapters, options: BootOptions): Promise<Prepared<DB>> {
  const logger = loggerFor(adapters.logger, definition.name);
  const sdb = adapters.database.forSchema<DB>(definition.schema);
  // The same schema without the service's table types, for the kit's own tables (migrations,
  // outbox, inbox, disabled users), which every service has whatever its DB type says.
  const kit = adapters.database.forSchema<unknown>(definition.schema);
  const cache = await adapters.cache(`${definition.name}:`);
  // Every service refuses the tokens of disabled accounts at once (user.disabled.v1 / user.enabled.v1).
  const disabledUsers = disabledUsersOf({ sdb: kit, transport: adapters.transport, logger, service: definition.name });
  const module = await definition.create({
    sdb,
    outbox: createOutbox(definition.schema, `/secureevent/${definition.name}`),
    cache,
    logger,
    verifier: disabledUsers.guard(adapters.verifier),
  });
  await migrate(kit, module.migrations, logger);
  // Every service's audit records may carry personal values as keyed references (ADR 0021).
  await migrateAuditSubjectKeys(kit.forMigrations(), kit.schema);
  await disabledUsers.start();
  await startConsumers({ sdb, transport: adapters.transport, logger, service: definition.name, consumers: module.consumers });

  const router = express.Router();
  router.use(answeredBy(definition.name));
  router.get(module.openapi.path, (_req, res) => {
    res.json(module.openapi.document);
  });
  for (const r of module.routers) router.use(r);

  let relay: OutboxRelay | undefined;
  let started = false;
  const stop = async () => {
    if (started) await module.stop?.();
    await relay?.stop();
    await disabledUsers.stop();
    await cache.close();
  };
  return {
    stop,
    async activate() {
      relay = await startOutboxRelay({
        sdb: kit,
        transport: adapters.transport,
        logger,
        service: definition.name,
        ...(options.relayPollIntervalMs ? { pollIntervalMs: options.relayPollIntervalMs } : {}),
      });
      started = true;
      await module.start?.();
      return { module, router, relay, cache, stop };
    },
  };
}
