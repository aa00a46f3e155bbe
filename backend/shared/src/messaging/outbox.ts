import { sql, type QueryExecutorProvider } from 'kysely';
import { requestContext } from '../logging/logger.js';
import { createEnvelope, type Envelope, type OutgoingMessage } from './envelope.js';

/** The NOTIFY channel that wakes a schema's relay. */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}

/** Writes messages to a service's outbox; callers must pass the transaction that holds the state change. */
export interface Outbox {
  /** Adds messages inside `trx`; they are published only if `trx` commits. */
  add(trx: QueryExecutorProvider, ...messages: OutgoingMessage[]): Promise<Envelope[]>;
}

/** Creates the outbox writer for `schema`, stamping envelopes with `source`. */
export function createOutbox(schema: string, source: string): Outbox {
  return {
    async add(trx, ...messages) {
      const traceparent = requestContext.getStore()?.traceparent;
      const envelopes = messages.map((m) => createEnvelope(source, { ...m, traceparent: m.traceparent ?? traceparent }));
      if (envelopes.length === 0) return envelopes;
      // One round trip for all rows and the wake-up: callers often hold a hot row lock meanwhile.
      // NOTIFY is transactional: the relay is woken at commit, and never for a rolled-back write;
      // identical notifications within a transaction are delivered once.
      const rows = envelopes.map((e) => sql`(${e.id}, ${e.type}, ${JSON.stringify(e)}::jsonb)`);
      await sql`insert into ${sql.id(schema, 'outbox')} (id, type, envelope) values ${sql.join(rows)} returning pg_notify(${outboxChannel(schema)}, '')`.execute(
        trx,
      );
      return envelopes;
    },
  };
}
