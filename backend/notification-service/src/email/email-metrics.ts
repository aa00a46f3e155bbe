import client from 'prom-client';
import { registry } from '@secureevent/shared';

/** Emails by outcome: `sent`, `retried` (will try again), `failed` (gave up; see GET /api/notifications/deliveries?status=failed). */
export const emailDeliveries =
  (registry.getSingleMetric('secureevent_email_deliveries_total') as client.Counter | undefined) ??
  new client.Counter({
    name: 'secureevent_email_deliveries_total',
    help: 'Email delivery attempts by outcome (sent, retried, failed)',
    labelNames: ['outcome'],
  });
