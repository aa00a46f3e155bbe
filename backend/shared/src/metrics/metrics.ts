import client from 'prom-client';

/** The process-wide Prometheus registry; in embedded mode every service shares it, told apart by `service`. */
export const registry = client.register;

function counter(name: string, help: string, labelNames: string[]) {
  return (registry.getSingleMetric(name) as client.Counter | undefined) ?? new client.Counter({ name, help, labelNames });
}

/** Messages the outbox relay handed to the broker and had confirmed. */
export const messagesPublished = counter(
  'secureevent_messages_published_total',
  'Messages published from the outbox and confirmed by the broker',
  ['service', 'type'],
);
/** Failed relay attempts (broker unreachable, nack, timeout). */
export const publishFailures = counter('secureevent_outbox_publish_failures_total', 'Outbox relay publish attempts that failed', [
  'service',
]);
/** Deliveries settled by consumers, by outcome: processed, duplicate, dead_lettered, retried. */
export const messagesConsumed = counter('secureevent_messages_consumed_total', 'Messages settled by consumers', [
  'service',
  'consumer',
  'outcome',
]);

/** A histogram in the process-wide registry (registered once, however often a service is created). */
export function histogram(name: string, help: string, labelNames: string[], buckets: number[]): client.Histogram {
  return (registry.getSingleMetric(name) as client.Histogram | undefined) ?? new client.Histogram({ name, help, labelNames, buckets });
}

/**
 * A gauge in the process-wide registry; `collect`, when given, runs at every scrape to refresh
 * its values (it must not throw).
 */
export function gauge(name: string, help: string, labelNames: string[], collect?: () => Promise<void>): client.Gauge {
  const existing = registry.getSingleMetric(name) as client.Gauge | undefined;
  if (existing) return existing;
  return new client.Gauge({
    name,
    help,
    labelNames,
    ...(collect
      ? {
          async collect() {
            await collect().catch(() => undefined);
          },
        }
      : {}),
  });
}

/** Serves the registry in the Prometheus text format (`GET /metrics`). */
export const metricsHandler = (_req: unknown, res: { setHeader(k: string, v: string): void; end(body: string): void }): void => {
  void registry.metrics().then(
    (text) => {
      res.setHeader('content-type', registry.contentType);
      res.end(text);
    },
    () => {
      (res as { statusCode?: number }).statusCode = 500;
      res.end('');
    },
  );
};
