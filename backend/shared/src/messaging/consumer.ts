import { sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import type { ServiceDb } from '../db/database.js';
import { requestContext, type Logger } from '../logging/logger.js';
import { messagesConsumed } from '../metrics/metrics.js';
import { envelopeSchema, traceIdOf, type Envelope } from './envelope.js';
import type { DeliveryOutcome, Transport } from './transport.js';

/** What a message handler receives: the validated payload and its envelope. */
export interface IncomingMessage<T> {
  envelope: Envelope;
  data: T;
  /** Runs `fn` once the transaction has committed (never on rollback or duplicate): e.g. a WebSocket push. */
  afterCommit: (fn: () => void) => void;
}

/** The handler for one message type; it runs inside the transaction that records the inbox entry. */
export interface MessageHandler<DB, T> {
  schema: z.ZodType<T>;
  handle(trx: Transaction<DB>, message: IncomingMessage<T>): Promise<void>;
}

/** A named consumer: its own durable queue, bound to the message types it handles (`#` for all). */
export interface ConsumerDefinition<DB> {
  name: string;
  // Handlers differ in payload type; each one's schema guarantees what its `handle` receives.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handlers: Record<string, MessageHandler<DB, any>>;
}

/** Declares a consumer with type inference for its handlers. */
export function defineConsumer<DB>(definition: ConsumerDefinition<DB>): ConsumerDefinition<DB> {
  return definition;
}

/** Declares one message handler, inferring the payload type from its schema. */
export function onMessage<DB, T>(schema: z.ZodType<T>, handle: MessageHandler<DB, T>['handle']): MessageHandler<DB, T> {
  return { schema, handle };
}

/**
 * Subscribes each consumer to its queue. A delivery is parsed and validated first: anything
 * malformed is dead-lettered at once (retrying cannot fix it). A valid message is processed in
 * one transaction together with its inbox row, so a duplicate delivery has exactly one effect.
 * A handler failure is retried a bounded number of times, then dead-lettered.
 */
export async function startConsumers<DB>(options: {
  sdb: ServiceDb<DB>;
  transport: Transport;
  logger: Logger;
  service: string;
  consumers: ConsumerDefinition<DB>[];
}): Promise<void> {
  const { sdb, transport, logger, service } = options;
  const inbox = sql.id(sdb.schema, 'inbox');
  for (const consumer of options.consumers) {
    const queue = `${service}.${consumer.name}`;
    const log = logger.child({ consumer: consumer.name });
    const count = (outcome: string) => messagesConsumed.inc({ service, consumer: consumer.name, outcome });

    const handle = async (body: Buffer, attempt: number): Promise<DeliveryOutcome> => {
      let envelope: Envelope;
      try {
        envelope = envelopeSchema.parse(JSON.parse(body.toString('utf8')));
      } catch {
        log.error({ queue, bytes: body.length }, 'malformed message envelope; dead-lettering');
        count('dead_lettered');
        return 'dead-letter';
      }
      const handler = consumer.handlers[envelope.type] ?? consumer.handlers['#'];
      if (!handler) {
        count('ignored');
        return 'ack';
      }
      const parsed = handler.schema.safeParse(envelope.data);
      if (!parsed.success) {
        log.error(
          { messageId: envelope.id, type: envelope.type, issues: parsed.error.issues.slice(0, 5) },
          'message payload fails its contract; dead-lettering',
        );
        count('dead_lettered');
        return 'dead-letter';
      }
      const ctx = { requestId: envelope.id, traceId: traceIdOf(envelope.traceparent), traceparent: envelope.traceparent };
      return requestContext.run(ctx, async () => {
        try {
          const committed: (() => void)[] = [];
          const processed = await sdb.db.transaction().execute(async (trx) => {
            const { rows } =
              await sql`insert into ${inbox} (consumer, message_id) values (${consumer.name}, ${envelope.id}) on conflict do nothing returning message_id`.execute(
                trx,
              );
            if (rows.length === 0) return false;
            await handler.handle(trx, { envelope, data: parsed.data as unknown, afterCommit: (fn) => committed.push(fn) });
            return true;
          });
          for (const fn of processed ? committed : []) {
            try {
              fn();
            } catch (err) {
              log.warn({ err, messageId: envelope.id }, 'after-commit hook failed');
            }
          }
          count(processed ? 'processed' : 'duplicate');
          if (!processed) log.debug({ messageId: envelope.id }, 'duplicate delivery ignored');
          return 'ack';
        } catch (err) {
          log.warn({ err, messageId: envelope.id, type: envelope.type, attempt }, 'message handler failed; will retry');
          count('retried');
          return 'retry';
        }
      });
    };

    await transport.subscribe({ queue, bindings: Object.keys(consumer.handlers), handle });
  }
}
