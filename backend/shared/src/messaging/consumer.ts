import type { Transaction } from 'kysely';
import { messageSchemas, type MessageSchemas } from '@secureevent/contracts';
import type { z } from 'zod';
import type { ServiceDb } from '../db/database.js';
import { requestContext, type Logger } from '../logging/logger.js';
import { messagesConsumed } from '../metrics/metrics.js';
import { envelopeSchema, traceIdOf, type Envelope, type MessageMap } from './envelope.js';
import { recordInboxEntry } from './inbox.repository.js';
import type { DeliveryOutcome, Transport } from './transport.js';

/** What a message handler receives: the validated payload and its envelope. */
export interface IncomingMessage<T> {
  envelope: Envelope;
  data: T;
  /** Runs `fn` once the transaction has committed (never on rollback or duplicate): e.g. a WebSocket push. */
  afterCommit: (fn: () => void) => void;
}

/** The handler for one message type; it runs inside the transaction that records the inbox entry. */
export type MessageHandler<DB, T> = (trx: Transaction<DB>, message: IncomingMessage<T>) => Promise<unknown> | void;

/**
 * A consumer's handlers, keyed by message type: each receives the payload its type's schema in the
 * map describes. `#` receives every other type, its payload unchecked (e.g. the audit trail).
 */
export type MessageHandlers<DB, M extends MessageMap = MessageSchemas> = {
  [K in keyof M & string]?: MessageHandler<DB, z.output<M[K]>>;
} & { '#'?: MessageHandler<DB, unknown> };

/** A named consumer: its own durable queue, bound to the message types it handles (`#` for all). */
export interface ConsumerDefinition<DB, M extends MessageMap = MessageSchemas> {
  name: string;
  /** The payload schemas; the contracts' `messageSchemas` unless a test brings its own types. */
  messages?: M;
  handlers: MessageHandlers<DB, M>;
}

/** A consumer with its payload types erased, as the runner sees it. */
export interface AnyConsumer<DB> {
  name: string;
  messages?: MessageMap;
  handlers: { readonly [type: string]: MessageHandler<DB, never> | undefined };
}

/** Declares a consumer; each handler's payload type comes from the map entry of its key. */
export function defineConsumer<DB, M extends MessageMap = MessageSchemas>(
  definition: ConsumerDefinition<DB, M>,
): ConsumerDefinition<DB, M> {
  return definition;
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
  consumers: AnyConsumer<DB>[];
}): Promise<void> {
  const { sdb, transport, logger, service } = options;
  for (const consumer of options.consumers) {
    const queue = `${service}.${consumer.name}`;
    const log = logger.child({ consumer: consumer.name });
    const count = (outcome: string) => messagesConsumed.inc({ service, consumer: consumer.name, outcome });
    const schemas: MessageMap = consumer.messages ?? messageSchemas;
    const bindings = Object.keys(consumer.handlers).filter((type) => consumer.handlers[type] !== undefined);

    const handle = async (body: Buffer, attempt: number): Promise<DeliveryOutcome> => {
      let envelope: Envelope;
      try {
        envelope = envelopeSchema.parse(JSON.parse(body.toString('utf8')));
      } catch {
        log.error({ queue, bytes: body.length }, 'malformed message envelope; dead-lettering');
        count('dead_lettered');
        return 'dead-letter';
      }
      const own = consumer.handlers[envelope.type];
      const handler = own ?? consumer.handlers['#'];
      if (!handler) {
        count('ignored');
        return 'ack';
      }
      // A type the consumer names is checked against its contract; the catch-all takes the payload as it is.
      const contract = own ? schemas[envelope.type] : undefined;
      const parsed = contract ? contract.safeParse(envelope.data) : { success: true as const, data: envelope.data };
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
            if (!(await recordInboxEntry(trx, sdb.schema, consumer.name, envelope.id))) return false;
            await handler(trx, { envelope, data: parsed.data as never, afterCommit: (fn) => committed.push(fn) });
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

    await transport.subscribe({ queue, bindings, handle });
  }
}
