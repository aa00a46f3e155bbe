import type { Logger } from '../logging/logger.js';
import type { Envelope } from './envelope.js';
import { MAX_DELIVERY_ATTEMPTS, type QueueSubscription, type Transport } from './transport.js';

/** A message that a consumer refused, kept for inspection (the embedded-mode dead-letter queue). */
export interface DeadLetter {
  queue: string;
  body: string;
  at: string;
}

/** Topic-style match of AMQP routing keys: `*` one word, `#` zero or more words. */
export function routingKeyMatches(binding: string, key: string): boolean {
  const b = binding.split('.');
  const k = key.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === b.length) return j === k.length;
    if (b[i] === '#') return match(i + 1, j) || (j < k.length && match(i, j + 1));
    if (j === k.length) return false;
    return (b[i] === '*' || b[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/**
 * The embedded-mode broker. `publish` resolves after every bound consumer has settled the
 * message, so the outbox row is only marked sent once its effects are committed: a crash in
 * between re-delivers from the outbox, and the consumers' inboxes drop the duplicate.
 */
export function createInProcessTransport(
  logger?: Logger,
): Transport & { deadLetters: DeadLetter[]; publishRaw(routingKey: string, body: Buffer): Promise<void> } {
  const subscriptions: QueueSubscription[] = [];
  const deadLetters: DeadLetter[] = [];
  let closed = false;

  async function deliver(sub: QueueSubscription, body: Buffer): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await sub.handle(body, attempt).catch(() => 'retry' as const);
      if (outcome === 'ack') return;
      if (outcome === 'dead-letter' || attempt >= MAX_DELIVERY_ATTEMPTS) {
        deadLetters.push({ queue: `${sub.queue}.dlq`, body: body.toString('utf8'), at: new Date().toISOString() });
        logger?.error({ queue: sub.queue, attempt }, 'message dead-lettered');
        return;
      }
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }

  return {
    kind: 'in-process',
    deadLetters,
    async publish(envelope: Envelope) {
      await this.publishRaw(envelope.type, Buffer.from(JSON.stringify(envelope)));
    },
    /** Routes bytes as a broker would, unchecked: what arrives is the consumer's to validate. */
    async publishRaw(routingKey: string, body: Buffer) {
      if (closed) throw new Error('transport closed');
      const targets = subscriptions.filter((s) => s.bindings.some((b) => routingKeyMatches(b, routingKey)));
      await Promise.all(targets.map((s) => deliver(s, body)));
    },
    async subscribe(subscription) {
      subscriptions.push(subscription);
    },
    async ping() {
      if (closed) throw new Error('transport closed');
    },
    async close() {
      closed = true;
    },
  };
}
