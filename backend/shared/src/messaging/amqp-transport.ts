import { connect as connectManager, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { isConnectionError } from '../db/connection-errors.js';
import type { Logger } from '../logging/logger.js';
import { DEFAULT_EXCHANGE, type Envelope } from './envelope.js';
import { MAX_DELIVERY_ATTEMPTS, type QueueSubscription, type Transport } from './transport.js';

/** Options for the RabbitMQ transport. */
export interface AmqpTransportOptions {
  url: string;
  logger: Logger;
  exchange?: string;
  /** `quorum` in production (replicated); `classic` is enough for a single broker. */
  queueType?: 'classic' | 'quorum';
  prefetch?: number;
  /** Prefix for queue names; defaults to the exchange name, so test runs can be isolated. */
  queuePrefix?: string;
  /** Delete the queues and exchanges on close (isolated test runs only). */
  deleteOnClose?: boolean;
}

const ATTEMPT_HEADER = 'x-secureevent-attempt';
const CONFIRM_TIMEOUT_MS = 10_000;
/** How long `ping` waits for a connection attempt in flight (each gives up after 5 s) before calling the broker unreachable. */
const PING_WAIT_MS = 7_000;

/**
 * RabbitMQ transport: a topic exchange, publisher confirms, one durable queue per consumer with
 * its own dead-letter queue. Connecting, reconnecting and re-running each channel's setup
 * (exchanges, queues, bindings, consumers) after a reconnect are amqp-connection-manager's.
 *
 * Two things this adds on top: `publish` refuses at once while disconnected instead of letting
 * the library buffer the message in memory (the outbox is the buffer: it survives a restart, and
 * the relay retries it), and every delivery is settled on the very channel it arrived on (a
 * delivery tag means nothing on the channel that replaced it after a reconnect).
 */
export function createAmqpTransport(options: AmqpTransportOptions): Transport {
  const { logger } = options;
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const dlx = `${exchange}.dlx`;
  const queuePrefix = options.queuePrefix ?? exchange;
  const queueType = options.queueType ?? 'classic';
  const subscriptions: QueueSubscription[] = [];
  let closed = false;
  let lastError: Error | undefined;

  const queueName = (sub: QueueSubscription) => `${queuePrefix}.${sub.queue}`;

  const manager: AmqpConnectionManager = connectManager([options.url], {
    heartbeatIntervalInSeconds: 10,
    reconnectTimeInSeconds: 1,
    connectionOptions: { timeout: 5000 },
  });
  manager.on('connect', () => {
    lastError = undefined;
    logger.info('AMQP connected');
  });
  manager.on('disconnect', ({ err }) => {
    if (!closed) logger.warn({ err: String(err) }, 'AMQP connection closed; reconnecting');
  });
  manager.on('connectFailed', ({ err }) => {
    lastError = err;
    logger.debug({ err: String(err) }, 'AMQP connect attempt failed');
  });

  const publisher: ChannelWrapper = manager.createChannel({
    name: 'publisher',
    confirm: true,
    async setup(ch: ConfirmChannel) {
      await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.assertExchange(dlx, 'direct', { durable: true });
    },
  });
  publisher.on('error', (err) => logger.warn({ err }, 'AMQP publish channel error'));

  const consumers: ChannelWrapper = manager.createChannel({
    name: 'consumers',
    confirm: false,
    async setup(ch: Channel) {
      await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.assertExchange(dlx, 'direct', { durable: true });
      await ch.prefetch(options.prefetch ?? 16);
    },
  });
  consumers.on('error', (err) => logger.warn({ err }, 'AMQP consumer channel error'));

  async function setupConsumer(ch: Channel, sub: QueueSubscription) {
    const queue = queueName(sub);
    const dlq = `${queue}.dlq`;
    await ch.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': queueType } });
    await ch.bindQueue(dlq, dlx, queue);
    await ch.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': queueType,
        'x-dead-letter-exchange': dlx,
        'x-dead-letter-routing-key': queue,
        // A message that keeps coming back without being settled (its handler kills the process,
        // the channel dies mid-handling) is dead-lettered by the broker after this many deliveries.
        ...(queueType === 'quorum' ? { 'x-delivery-limit': MAX_DELIVERY_ATTEMPTS } : {}),
      },
    });
    for (const key of sub.bindings) await ch.bindQueue(queue, exchange, key);
    await ch.consume(queue, (msg) => {
      if (msg) void onMessage(ch, queue, sub, msg);
    });
  }

  async function onMessage(ch: Channel, queue: string, sub: QueueSubscription, msg: ConsumeMessage) {
    const attempt = Number(msg.properties.headers?.[ATTEMPT_HEADER] ?? 1) || 1;
    const outcome = await sub.handle(msg.content, attempt).catch(() => 'retry' as const);
    try {
      if (outcome === 'ack') return ch.ack(msg);
      if (outcome === 'dead-letter' || attempt >= MAX_DELIVERY_ATTEMPTS) {
        logger.error({ queue, attempt, messageId: msg.properties.messageId }, 'message dead-lettered');
        return ch.nack(msg, false, false);
      }
      // Retry later at the back of the queue with a counted attempt, instead of a hot requeue loop.
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      ch.sendToQueue(queue, msg.content, {
        ...msg.properties,
        headers: { ...msg.properties.headers, [ATTEMPT_HEADER]: attempt + 1 },
      });
      ch.ack(msg);
    } catch (err) {
      // The channel is gone; the broker re-delivers the unacknowledged message after reconnect.
      logger.warn({ err, queue }, 'could not settle message');
    }
  }

  /** Resolves once connected with every channel set up; before the first attempt has finished, waits for its outcome. */
  async function connected(): Promise<void> {
    if (closed) throw new Error('transport closed');
    // Once an attempt has failed, answer at once (readiness probes ask often): the manager keeps retrying.
    if (!manager.isConnected() && lastError) throw new Error('AMQP not connected', { cause: lastError });
    if (!manager.isConnected()) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          clearTimeout(timer);
          manager.removeListener('connect', onConnect);
          manager.removeListener('connectFailed', onFailed);
          if (err) reject(err);
          else resolve();
        };
        const onConnect = () => done();
        const onFailed = ({ err }: { err: Error }) => done(err);
        const timer = setTimeout(() => done(new Error('AMQP not connected', { cause: lastError })), PING_WAIT_MS);
        manager.on('connect', onConnect);
        manager.on('connectFailed', onFailed);
      });
    }
    await Promise.all([publisher.waitForConnect(), consumers.waitForConnect()]);
  }

  return {
    kind: 'amqp',
    async publish(envelope: Envelope) {
      if (closed) throw new Error('transport closed');
      if (!manager.isConnected()) throw new Error('AMQP not connected', { cause: lastError });
      // Resolves on the broker's confirm; rejects on a nack or when no confirm comes in time.
      await publisher.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        messageId: envelope.id,
        type: envelope.type,
        contentType: 'application/cloudevents+json',
        timestamp: Math.floor(Date.parse(envelope.time) / 1000),
        headers: envelope.traceparent ? { traceparent: envelope.traceparent } : {},
        timeout: CONFIRM_TIMEOUT_MS,
      });
    },
    async subscribe(subscription) {
      subscriptions.push(subscription);
      // Runs now if connected, and again on every reconnect; declared once the broker answers otherwise.
      const setup = (ch: Channel) => setupConsumer(ch, subscription);
      if (manager.isConnected()) await consumers.addSetup(setup);
      else
        void consumers
          .addSetup(setup)
          .catch((err: unknown) => logger.warn({ err, queue: subscription.queue }, 'could not declare consumer'));
    },
    ping: connected,
    async close() {
      closed = true;
      if (options.deleteOnClose && manager.isConnected()) {
        await publisher
          .addSetup(async (ch: ConfirmChannel) => {
            for (const sub of subscriptions) {
              await ch.deleteQueue(queueName(sub));
              await ch.deleteQueue(`${queueName(sub)}.dlq`);
            }
            await ch.deleteExchange(exchange);
            await ch.deleteExchange(dlx);
          })
          .catch((err: unknown) => logger.warn({ err }, 'could not delete test queues'));
      }
      await manager.close().catch(() => undefined);
    },
  };
}

/**
 * Starts the transport and waits for the first connection attempt. A broker that cannot be
 * reached at start (refused, reset, timed out) does not stop the service: it starts degraded, its
 * outbox holds what it writes, and consumers are declared once the broker answers (ADR 0016).
 * Any other failure (bad credentials, an unknown vhost) is reported, so a wrong AMQP_URL fails fast.
 */
export async function startAmqpTransport(options: AmqpTransportOptions): Promise<Transport> {
  const transport = createAmqpTransport(options);
  try {
    await transport.ping();
  } catch (err) {
    if (!isConnectionError(err)) {
      await transport.close().catch(() => undefined);
      throw err;
    }
    options.logger.warn({ err: String(err) }, 'RabbitMQ is unreachable at start; running degraded and reconnecting');
  }
  return transport;
}
