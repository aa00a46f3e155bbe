import type { Transaction } from 'kysely';
import { messageSchemas, type MessageSchemas } from '@secureevent/contracts';
import type { z } from 'zod';
import { requestContext } from '../logging/logger.js';
import { createEnvelope, type Envelope, type MessageMap, type MessageOf } from './envelope.js';
import { insertOutboxMessages } from './outbox.repository.js';

export { outboxChannel } from './outbox.repository.js';

/**
 * Writes messages to a service's outbox. It takes a `Transaction`, never a bare database handle:
 * a message is only ever saved together with the state change it announces.
 */
export interface Outbox<M extends MessageMap = MessageSchemas> {
  /** The schema whose outbox table this writes to. */
  readonly schema: string;
  /**
   * Validates each payload against its type's schema (a bad one throws before anything is written,
   * so the transaction rolls back) and adds the messages inside `trx`; they are published only if
   * `trx` commits.
   */
  add<DB>(trx: Transaction<DB>, ...messages: MessageOf<M>[]): Promise<Envelope[]>;
}

/** A payload that does not match its type's contract: a producer's bug, refused before it reaches the bus. */
export class MessageContractError extends Error {
  constructor(
    readonly messageType: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    // Paths and issue kinds only: payloads may hold personal data, which must not reach a log.
    super(
      issues.length === 0
        ? `${messageType} has no payload contract`
        : `${messageType} payload fails its contract at ${issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
    );
    this.name = 'MessageContractError';
  }
}

/**
 * Creates the outbox writer for `schema`, stamping envelopes with `source`. Payloads are checked
 * against the contracts' `messageSchemas`, or against `schemas` (tests with their own types).
 */
export function createOutbox<M extends MessageMap = MessageSchemas>(schema: string, source: string, schemas?: M): Outbox<M> {
  const contracts: MessageMap = schemas ?? messageSchemas;
  const outbox: Outbox<MessageMap> = {
    schema,
    async add(trx, ...messages) {
      const traceparent = requestContext.getStore()?.traceparent;
      const envelopes = messages.map((m) => {
        const contract = contracts[m.type];
        if (contract === undefined) throw new MessageContractError(m.type, []);
        const parsed = contract.safeParse(m.data);
        if (!parsed.success) throw new MessageContractError(m.type, parsed.error.issues);
        return createEnvelope(source, { ...m, data: parsed.data, traceparent: m.traceparent ?? traceparent });
      });
      await insertOutboxMessages(trx, schema, envelopes);
      return envelopes;
    },
  };
  // The map only narrows what callers may pass; at run time every map is checked the same way.
  return outbox as unknown as Outbox<M>;
}
