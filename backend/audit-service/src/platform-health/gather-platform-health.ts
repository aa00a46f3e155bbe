import type { PlatformHealthDto } from '@secureevent/contracts';
import type { ReadinessProbe } from '@secureevent/shared';
import { platformStatusOf, serviceHealthOf, type ProbeOutcome } from './platform-health.js';

/**
 * How long one service may take to answer. Above the 2 s each readiness check may take itself
 * (a dependency that hangs still comes back as unavailable), short enough that a dead or
 * black-holed service shows as down rather than holding the answer.
 */
export const PROBE_TIMEOUT_MS = 3000;

class ProbeTimeout extends Error {}

/** Asks one probe, giving up after `timeoutMs`, whether the probe honours the abort or not. */
async function ask(probe: ReadinessProbe, timeoutMs: number): Promise<ProbeOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const timeout = new ProbeTimeout();
      controller.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  try {
    return { answer: await Promise.race([probe.read(controller.signal), late]) };
  } catch (err) {
    return { failure: err instanceof ProbeTimeout || controller.signal.aborted ? 'timeout' : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every service's readiness, asked at once, each bounded by `timeoutMs`: the answer never
 * waits longer than the slowest bound, however many services are dead.
 */
export async function gatherPlatformHealth(
  probes: readonly ReadinessProbe[],
  timeoutMs: number = PROBE_TIMEOUT_MS,
  now: () => Date = () => new Date(),
): Promise<PlatformHealthDto> {
  const services = await Promise.all(probes.map(async (p) => serviceHealthOf(p.service, await ask(p, timeoutMs))));
  return { status: platformStatusOf(services), checkedAt: now().toISOString(), services };
}
