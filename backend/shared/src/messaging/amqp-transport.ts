import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
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

/**
 * RabbitMQ transport: a topic exchange, publisher confirms, one durable queue per consumer with
 * its own dead-letter queue, and automatic reconnection that re-declares every consumer.
 */
export function createAmqpTransport(options: AmqpTransportOptions): Transport {
  const { logger } = options;
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const dlx = `${exchange}.dlx`;
  const queuePrefix = options.queuePrefix ?? exchange;
  const subscriptions: QueueSubscription[] = [];
  let model: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let consumerChannel: Channel | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let backoff = 250;

  const url = withHeartbeat(options.url);

  const queueName = (sub: QueueSubscription) => `${queuePrefix}.${sub.queue}`;

  async function setupConsumer(ch: Channel, sub: QueueSubscription) {
    const queue = queueName(sub);
    const dlq = `${queue}.dlq`;
    await ch.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': options.queueType ?? 'classic' } });
    await ch.bindQueue(dlq, dlx, queue);
    await ch.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': options.queueType ?? 'classic',
        'x-dead-letter-exchange': dlx,
        'x-dead-letter-routing-key': queue,
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

  async function connect(): Promise<void> {
    const m = await amqp.connect(url, { timeout: 5000 });
    m.on('error', (err: unknown) => logger.warn({ err }, 'AMQP connection error'));
    m.on('close', () => {
      if (model === m) {
        model = undefined;
        publisher = undefined;
        consumerChannel = undefined;
      }
      if (!closed) {
        logger.warn('AMQP connection closed; reconnecting');
        scheduleReconnect();
      }
    });
    const pub = await m.createConfirmChannel();
    pub.on('error', (err: unknown) => logger.warn({ err }, 'AMQP publish channel error'));
    await pub.assertExchange(exchange, 'topic', { durable: true });
    await pub.assertExchange(dlx, 'direct', { durable: true });
    const cons = await m.createChannel();
    cons.on('error', (err: unknown) => logger.warn({ err }, 'AMQP consumer channel error'));
    await cons.prefetch(options.prefetch ?? 16);
    for (const sub of subscriptions) await setupConsumer(cons, sub);
    model = m;
    publisher = pub;
    consumerChannel = cons;
    backoff = 250;
    logger.info('AMQP connected');
  }

  function ensureConnected(): Promise<void> {
    if (model) return Promise.resolve();
    connecting ??= connect().finally(() => (connecting = undefined));
    return connecting;
  }

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensureConnected().catch((err: unknown) => {
        logger.warn({ err: String(err) }, 'AMQP reconnect failed');
        backoff = Math.min(backoff * 2, 10_000);
        scheduleReconnect();
      });
    }, backoff);
    retryTimer.unref();
  }

  return {
    kind: 'amqp',
    async publish(envelope: Envelope) {
      if (closed) throw new Error('transport closed');
      if (!publisher) {
        scheduleReconnect();
        throw new Error('AMQP not connected');
      }
      const ch = publisher;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('publisher confirm timed out')), 10_000);
        ch.publish(
          exchange,
          envelope.type,
          Buffer.from(JSON.stringify(envelope)),
          {
            persistent: true,
            messageId: envelope.id,
            type: envelope.type,
            contentType: 'application/cloudevents+json',
            timestamp: Math.floor(Date.parse(envelope.time) / 1000),
            headers: envelope.traceparent ? { traceparent: envelope.traceparent } : {},
          },
          (err: unknown) => {
            clearTimeout(timer);
            if (err) reject(err instanceof Error ? err : new Error('message nacked by broker'));
            else resolve();
          },
        );
      });
    },
    async subscribe(subscription) {
      subscriptions.push(subscription);
      if (consumerChannel) await setupConsumer(consumerChannel, subscription);
    },
    async ping() {
      if (closed) throw new Error('transport closed');
      if (!model) {
        await ensureConnected();
      }
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const m = model;
      if (m && options.deleteOnClose) {
        const ch = await m.createChannel();
        for (const sub of subscriptions) {
          await ch.deleteQueue(queueName(sub));
          await ch.deleteQueue(`${queueName(sub)}.dlq`);
        }
        await ch.deleteExchange(exchange);
        await ch.deleteExchange(dlx);
      }
      model = undefined;
      publisher = undefined;
      consumerChannel = undefined;
      await m?.close().catch(() => undefined);
    },
  };
}

/**
 * Connects once and keeps reconnecting in the background. A broker that cannot be reached at
 * start (refused, reset, timed out) does not stop the service: it starts degraded, its outbox
 * holds what it writes, and consumers are declared once the broker answers (ADR 0016). Any other
 * failure (bad credentials, an unknown vhost) is reported, so a wrong AMQP_URL fails fast.
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
    // ping() is what reconnects on demand; keep trying in the background until it answers.
    const retry = (delayMs: number) => {
      const timer = setTimeout(() => {
        transport.ping().catch((e: unknown) => {
          if (!(e instanceof Error && e.message === 'transport closed')) retry(Math.min(delayMs * 2, 10_000));
        });
      }, delayMs);
      timer.unref();
    };
    retry(250);
  }
  return transport;
}

function withHeartbeat(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', '10');
  return u.toString();
}
