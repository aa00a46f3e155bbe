import type { Envelope } from './envelope.js';

/** How a consumer tells the transport what became of a delivery. */
export type DeliveryOutcome = 'ack' | 'retry' | 'dead-letter';

/** Handles one raw delivery: the body as received, before any parsing. */
export type DeliveryHandler = (body: Buffer, attempt: number) => Promise<DeliveryOutcome>;

/** One consumer's durable queue and the message types bound to it. */
export interface QueueSubscription {
  /** Durable queue name, e.g. `notification-service.event-published`. */
  queue: string;
  /** Routing keys (message types) bound to the queue; `#` for all. */
  bindings: string[];
  handle: DeliveryHandler;
}

/**
 * A message broker seen by the outbox relay and the consumers: RabbitMQ in distributed mode,
 * an in-process exchange in embedded mode. `publish` resolves only once the broker has accepted
 * the message (publisher confirms), so the relay may then mark it sent.
 */
export interface Transport {
  readonly kind: 'in-process' | 'amqp';
  publish(envelope: Envelope): Promise<void>;
  subscribe(subscription: QueueSubscription): Promise<void>;
  /** Readiness: resolves when the broker is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How many times a failing handler is retried before its message is dead-lettered. */
export const MAX_DELIVERY_ATTEMPTS = 5;
