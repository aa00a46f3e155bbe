import { readinessReport, type ReadinessCheck } from '../http/create-app.js';

/** What a service's `/readyz` answered: its status code and its body (a `ReadinessReport` when it is well). */
export interface ReadinessAnswer {
  httpStatus: number;
  body: unknown;
}

/**
 * One service's readiness, however it is reached: over HTTP (its own `/readyz`, in the
 * distributed mode and on Kubernetes) or in the same process (the embedded platform). Both
 * answer the same `/readyz` body, made by the same `readinessReport`.
 */
export interface ReadinessProbe {
  service: string;
  /** Rejects when nothing answered; `signal` aborts a request that takes too long. */
  read(signal: AbortSignal): Promise<ReadinessAnswer>;
}

/** Asks `GET <baseUrl>/readyz` (the service's own port, never the gateway, which does not route it). */
export function httpReadinessProbe(service: string, baseUrl: string): ReadinessProbe {
  const url = new URL('/readyz', baseUrl).toString();
  return {
    service,
    async read(signal) {
      const res = await fetch(url, { signal, headers: { accept: 'application/json' }, redirect: 'error' });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // Not JSON: whatever answered is not a SecureEvent service; the caller says so.
      }
      return { httpStatus: res.status, body };
    },
  };
}

/** Runs a service's readiness checks in this process, as its `/readyz` would (without touching its metric series). */
export function inProcessReadinessProbe(service: string, checks: readonly ReadinessCheck[]): ReadinessProbe {
  return {
    service,
    async read() {
      const body = await readinessReport(service, checks, { record: false });
      return { httpStatus: body.status === 'not ready' ? 503 : 200, body };
    },
  };
}
