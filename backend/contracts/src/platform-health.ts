import { z } from 'zod';

/** The dependencies a service's readiness checks (ADR 0016): PostgreSQL, the broker, Redis (or their embedded adapters). */
export const PLATFORM_DEPENDENCIES = ['database', 'broker', 'cache'] as const;

/** A service as `GET /api/audit/platform-health` saw it: its own `/readyz`, asked with a short timeout. */
export const serviceHealthSchema = z
  .object({
    name: z.string().meta({ example: 'event-service' }),
    /** `up` ready; `degraded` ready without the broker or the cache; `down` not ready (no database) or no answer. */
    status: z.enum(['up', 'degraded', 'down']),
    /** Why it is down: its database is unavailable (`not_ready`), nothing answered, the answer came too late, or made no sense. */
    reason: z.enum(['not_ready', 'unreachable', 'timeout', 'bad_answer']).nullable(),
    /** Each dependency the service checked; empty when the service did not answer. */
    dependencies: z.array(z.object({ name: z.string().meta({ example: 'cache' }), status: z.enum(['up', 'down']) })),
    /** The dependencies whose loss only degrades the service (the broker, the cache). */
    degraded: z.array(z.string()),
    version: z.string().nullable(),
    uptimeSeconds: z.number().nullable(),
  })
  .meta({ id: 'ServiceHealth' });

/** `GET /api/audit/platform-health`: every service's readiness and dependencies, for admins. */
export const platformHealthSchema = z
  .object({
    /** The worst of the services' states. */
    status: z.enum(['up', 'degraded', 'down']),
    checkedAt: z.iso.datetime(),
    services: z.array(serviceHealthSchema),
  })
  .meta({ id: 'PlatformHealth' });

export type ServiceHealthDto = z.infer<typeof serviceHealthSchema>;
export type PlatformHealthDto = z.infer<typeof platformHealthSchema>;
