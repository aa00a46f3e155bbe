import type { Router } from 'express';
import type { Migration } from 'kysely';
import type { Cache } from '../cache/cache.js';
import type { ServiceDb } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { ConsumerDefinition } from '../messaging/consumer.js';
import type { Outbox } from '../messaging/outbox.js';
import type { UpgradeHandler } from './upgrade.js';

/** What the platform or a standalone main hands a service: adapters already chosen by run mode. */
export interface ServiceDeps<DB> {
  sdb: ServiceDb<DB>;
  outbox: Outbox;
  cache: Cache;
  logger: Logger;
  verifier: TokenVerifier;
}

/**
 * A mountable service: everything needed to run it, and nothing that listens. The platform
 * mounts several in one process; `runStandalone` runs one on its own port.
 */
export interface ServiceModule<DB = unknown> {
  /** e.g. `event-service`. */
  name: string;
  /** The Postgres schema the service owns. */
  schema: string;
  migrations: Record<string, Migration>;
  routers: Router[];
  /** The generated OpenAPI 3.1 document and where it is served. */
  openapi: { path: string; document: object };
  consumers: ConsumerDefinition<DB>[];
  /** HTTP upgrades the service takes over (a WebSocket endpoint); wired by whoever owns the server. */
  upgrade?: UpgradeHandler;
  /** Background work beyond consumers and the relay (schedulers), started after migrations. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Describes a service to the launchers: its name, schema and factory. */
export interface ServiceDefinition<DB> {
  name: string;
  schema: string;
  create(deps: ServiceDeps<DB>): Promise<ServiceModule<DB>> | ServiceModule<DB>;
}
