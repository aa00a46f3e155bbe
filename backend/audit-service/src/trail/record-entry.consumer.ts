import { defineConsumer } from '@secureevent/shared';
import type { AuditDb } from '../db/schema.js';
import { recordEntry } from './record-entry.js';

/** Records every message on the exchange (`#`) as an audit entry chained to the previous one. */
export const recordEntryConsumer = defineConsumer<AuditDb>({
  name: 'record-entry',
  handlers: {
    '#': (trx, { envelope }) => recordEntry(trx, envelope),
  },
});
