// Closed-loop HTTP load generator on node:http with keep-alive agents, and percentile helpers.
// No dependencies: hdr-histogram is not installed in this repo, so latencies are kept in arrays
// (a few tens of thousands of numbers per phase) and percentiles are taken from the sorted array.
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const REQUEST_TIMEOUT_MS = 15_000;

/** A keep-alive agent for one scenario: exactly `connections` sockets, reused. */
export function keepAliveAgent(connections) {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, scheduling: 'fifo' });
}

/**
 * One HTTP request; resolves { status, body } (body as a string) or rejects on a socket error or
 * timeout. The body is always read to the end so that the socket goes back to the agent.
 */
export function request({ port, agent, method = 'GET', path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Runs several scenarios at once, each with its own agent and number of closed-loop workers
 * (one in-flight request per worker, next request as soon as the previous answer arrives).
 * Requests started during the first `warmupMs` are not recorded; measurement lasts `durationMs`
 * after that. A request is recorded when it STARTED inside the measurement window; in-flight
 * requests at the end are awaited so that the tail is not cut off.
 *
 * scenario: { name, connections, next(i) => request options (without port/agent), expect(status) }
 */
export async function runPhase({ port, scenarios, warmupMs, durationMs }) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const measureTo = measureFrom + durationMs;
  const armTimer = setTimeout(() => {
    loop.reset();
    loop.enable();
  }, warmupMs);

  const results = await Promise.all(
    scenarios.map(async (scenario) => {
      const agent = keepAliveAgent(scenario.connections);
      const latencies = [];
      const statuses = new Map();
      const errors = new Map();
      let counter = 0;
      const worker = async () => {
        for (;;) {
          const t0 = performance.now();
          if (t0 >= measureTo) return;
          const options = scenario.next(counter++);
          let status;
          try {
            ({ status } = await request({ port, agent, ...options }));
          } catch (err) {
            status = undefined;
            if (t0 >= measureFrom) errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
          }
          const t1 = performance.now();
          if (t0 >= measureFrom && status !== undefined) {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            // Latency percentiles are over successful answers only; the rest are counted apart.
            if (status >= 200 && status < 300) latencies.push(t1 - t0);
          }
        }
      };
      await Promise.all(Array.from({ length: scenario.connections }, worker));
      agent.destroy();
      return { name: scenario.name, connections: scenario.connections, latencies, statuses, errors };
    }),
  );
  clearTimeout(armTimer);
  loop.disable();
  const windowS = durationMs / 1000;
  return {
    scenarios: results.map((r) => summarize(r, windowS)),
    client: {
      loopP99Ms: loop.count ? loop.percentile(99) / 1e6 : NaN,
      loopMaxMs: loop.count ? loop.max / 1e6 : NaN,
    },
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summarize({ name, connections, latencies, statuses, errors }, windowS) {
  const sorted = Float64Array.from(latencies).sort();
  let ok = 0;
  let non2xx = 0;
  for (const [status, n] of statuses) {
    if (status >= 200 && status < 300) ok += n;
    else non2xx += n;
  }
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    name,
    connections,
    ok,
    non2xx,
    errors: errorCount,
    statuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
    errorKinds: Object.fromEntries(errors),
    rps: ok / windowS,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}
