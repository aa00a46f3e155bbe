import { z } from 'zod';
import type { PlatformHealthDto, ServiceHealthDto } from '@secureevent/contracts';
import type { ReadinessAnswer } from '@secureevent/shared';

/** A service's `/readyz` body as the kit writes it (`readinessReport`); anything else is a bad answer. */
const readinessBodySchema = z.object({
  status: z.enum(['ready', 'degraded', 'not ready']),
  checks: z.record(z.string(), z.enum(['ok', 'unavailable'])),
  degraded: z.array(z.string()).optional(),
  version: z.string().optional(),
  uptimeSeconds: z.number().optional(),
});

/** How asking a service went: its answer, or why there was none. */
export type ProbeOutcome = { answer: ReadinessAnswer } | { failure: 'timeout' | 'unreachable' };

/**
 * One service's health from its readiness answer (ADR 0016, ADR 0031): ready is `up`; ready
 * without the broker or the cache is `degraded`, naming them; not ready (no database), silent,
 * late or nonsensical is `down`, with why.
 */
export function serviceHealthOf(service: string, outcome: ProbeOutcome): ServiceHealthDto {
  const down = (reason: NonNullable<ServiceHealthDto['reason']>): ServiceHealthDto => ({
    name: service,
    status: 'down',
    reason,
    dependencies: [],
    degraded: [],
    version: null,
    uptimeSeconds: null,
  });
  if ('failure' in outcome) return down(outcome.failure);
  const parsed = readinessBodySchema.safeParse(outcome.answer.body);
  const expectedStatus = parsed.success && parsed.data.status === 'not ready' ? 503 : 200;
  if (!parsed.success || outcome.answer.httpStatus !== expectedStatus) return down('bad_answer');
  const body = parsed.data;
  return {
    name: service,
    status: body.status === 'ready' ? 'up' : body.status === 'degraded' ? 'degraded' : 'down',
    reason: body.status === 'not ready' ? 'not_ready' : null,
    dependencies: Object.entries(body.checks).map(([name, check]) => ({ name, status: check === 'ok' ? 'up' : 'down' })),
    degraded: body.degraded ?? [],
    version: body.version ?? null,
    uptimeSeconds: body.uptimeSeconds ?? null,
  };
}

/** The platform's state: the worst of its services'. */
export function platformStatusOf(services: readonly ServiceHealthDto[]): PlatformHealthDto['status'] {
  if (services.some((s) => s.status === 'down')) return 'down';
  return services.some((s) => s.status === 'degraded') ? 'degraded' : 'up';
}
