import client from 'prom-client';
import { registry } from '@secureevent/shared';

function metric<M extends client.Metric>(name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

/** Open WebSocket connections. */
export const wsConnections = metric(
  'secureevent_ws_connections',
  () =>
    new client.Gauge({
      name: 'secureevent_ws_connections',
      help: 'Open WebSocket connections',
      labelNames: ['service'],
      registers: [registry],
    }),
);

/** Frames pushed to WebSocket clients (one per client reached), by frame type. */
export const wsPushed = metric(
  'secureevent_ws_messages_pushed_total',
  () =>
    new client.Counter({
      name: 'secureevent_ws_messages_pushed_total',
      help: 'Frames pushed to WebSocket clients, one per client reached',
      labelNames: ['service', 'type'],
      registers: [registry],
    }),
);

/** Connections closed by the server for cause: rate limit, expired token, dead peer, slow reader. */
export const wsClosed = metric(
  'secureevent_ws_closed_total',
  () =>
    new client.Counter({
      name: 'secureevent_ws_closed_total',
      help: 'WebSocket connections the server closed, by reason',
      labelNames: ['service', 'reason'],
      registers: [registry],
    }),
);

/** Failed Redis fan-out operations (publish or subscriber connection). */
export const fanoutFailures = metric(
  'secureevent_ws_fanout_failures_total',
  () =>
    new client.Counter({
      name: 'secureevent_ws_fanout_failures_total',
      help: 'Redis pub/sub failures of the WebSocket fan-out (pushes stayed on this replica)',
      labelNames: ['service'],
      registers: [registry],
    }),
);
