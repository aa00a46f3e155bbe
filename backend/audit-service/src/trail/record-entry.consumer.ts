import { sql } from 'kysely';
import { z } from 'zod';
import { defineConsumer, onMessage } from '@secureevent/shared';
import type { AuditDb } from '../db/schema.js';
import { entryHash, GENESIS_HASH } from './hash-chain.js';

/**
 * Records every message on the exchange as an audit entry chained to the previous one.
 * The advisory lock serialises appends across replicas, so the chain never forks.
 */
export const recordEntryConsumer = defineConsumer<AuditDb>({
  name: 'record-entry',
  handlers: {
    '#': onMessage(z.unknown(), async (trx, { envelope }) => {
      await sql`select pg_advisory_xact_lock(hashtext('audit.entries'))`.execute(trx);
      const last = await trx.selectFrom('entries').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const prevHash = last?.hash ?? GENESIS_HASH;
      const fields = {
        id: envelope.id,
        type: envelope.type,
        source: envelope.source,
        subject: envelope.subject ?? null,
        occurredAt: new Date(envelope.time).toISOString(),
        data: envelope.data ?? null,
      };
      await trx
        .insertInto('entries')
        .values({
          id: fields.id,
          type: fields.type,
          source: fields.source,
          subject: fields.subject,
          occurred_at: new Date(fields.occurredAt),
          data: JSON.stringify(fields.data),
          prev_hash: prevHash,
          hash: entryHash(prevHash, fields),
        })
        .execute();
    }),
  },
});
