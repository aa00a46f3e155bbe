import express, { type Express, type RequestHandler, type Response } from 'express';
import client from 'prom-client';

/** The process-wide Prometheus registry; in embedded mode every service shares it, told apart by `service`. */
export const registry = client.register;

/** A counter in the process-wide registry (registered once, however often a service is created). */
export function counter(name: string, help: string, labelNames: string[]): client.Counter {
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
export const metricsHandler: RequestHandler = (_req, res, next) => {
  registry.metrics().then((text) => {
    res.setHeader('content-type', registry.contentType);
    res.end(text);
  }, next);
};

/**
 * A separate app that serves only `/metrics` (everything else 404), for a port of its own: the
 * embedded platform's public port serves users, and Prometheus reaches this one on loopback
 * (`METRICS_PORT`/`METRICS_HOST`).
 */
export function createMetricsApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler);
  app.use((_req, res) => {
    res.status(404).end();
  });
  return app;
}

/**
 * Marks every request that enters a service's router with that service, so that the HTTP metrics
 * say which service answered: in embedded mode one app mounts every service's router, and the
 * router a request last entered is the one that matched it (the boot puts this first in each).
 */
export function answeredBy(service: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.service = service;
    next();
  };
}

/** The service label of an answer: the service whose route matched, else the app's own (unmatched paths, /healthz). */
export function answeringService(res: Pick<Response, 'locals'>, app: string, matched: boolean): string {
  const service = res.locals.service as unknown;
  return matched && typeof service === 'string' ? service : app;
}
