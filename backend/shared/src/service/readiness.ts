import type { Cache } from '../cache/cache.js';
import type { DatabaseConnection } from '../db/database.js';
import type { ReadinessCheck } from '../http/create-app.js';
import type { Transport } from '../messaging/transport.js';

/**
 * The readiness checks of a service (ADR 0016): its database is required — without it the pod
 * can serve nothing, so `/readyz` answers 503 and it leaves the load balancer; the broker and the
 * cache are optional — the outbox holds messages while the broker is away and the cache falls
 * back to this process — so their loss is reported as `degraded` with 200, in the
 * `secureevent_dependency_up` metric and by an alert, and never takes every pod out at once.
 */
export function standardReadiness(deps: {
  database: DatabaseConnection;
  /** The schema whose connection is pinged (any schema of the database will do). */
  schema: string;
  transport: Transport;
  cache?: Cache;
}): ReadinessCheck[] {
  const sdb = deps.database.forSchema(deps.schema);
  const { cache } = deps;
  return [
    { name: 'database', required: true, check: () => sdb.ping() },
    { name: 'broker', required: false, check: () => deps.transport.ping() },
    ...(cache ? [{ name: 'cache', required: false, check: () => cache.ping() }] : []),
  ];
}
