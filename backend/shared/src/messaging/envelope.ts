import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { MessageSchemas, MessageType } from '@secureevent/contracts';

/** The exchange every service publishes to (DESIGN.md §4). */
export const DEFAULT_EXCHANGE = 'secureevent';

/** CloudEvents 1.0 structured envelope plus W3C `traceparent`, as carried on the wire. */
export const envelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().regex(/^[a-z_]+(\.[a-z_]+)*\.v\d+$/, 'must be a past-tense, versioned type'),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().max(200).optional(),
  datacontenttype: z.literal('application/json').optional(),
  traceparent: z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
  data: z.unknown(),
});

/** A message envelope. `data` is validated by the consumer against the type's contract schema. */
export type Envelope = z.infer<typeof envelopeSchema>;

/** A map from message type to payload schema: the contracts' `messageSchemas`, or a test's own. */
export type MessageMap = { readonly [type: string]: z.ZodType };

/** A message as it goes on the wire before its envelope is built: any type, any payload (tests use it for malformed input). */
export interface RawMessage {
  type: string;
  subject?: string;
  data: unknown;
  /** Propagated trace context; a new trace is started when absent. */
  traceparent?: string | undefined;
}

/**
 * What a use case hands the outbox for one of the types `T` of map `M`: the type, the subject it
 * is about and the payload its schema describes. A union of types gives a union of messages, so
 * `{ type, data }` is checked pairwise.
 */
export type MessageOf<M extends MessageMap, T extends keyof M & string = keyof M & string> = {
  [K in T]: { type: K; subject?: string; data: z.input<M[K]>; traceparent?: string | undefined };
}[T];

/** An outgoing message of one of the contract types `T` (every type in `messageSchemas` by default). */
export type OutgoingMessage<T extends MessageType = MessageType> = MessageOf<MessageSchemas, T>;

/** Builds a CloudEvents envelope with a fresh id and time. */
export function createEnvelope(source: string, message: RawMessage): Envelope {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: message.type,
    time: new Date().toISOString(),
    ...(message.subject ? { subject: message.subject } : {}),
    datacontenttype: 'application/json',
    traceparent: message.traceparent ?? newTraceparent(),
    data: message.data,
  };
}

/** A new W3C traceparent (version 00, sampled). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The trace id inside a traceparent, for log correlation. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}
