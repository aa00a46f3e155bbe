import { counter } from '@secureevent/shared';
import type { EntryFacets } from './entry-facets.js';

/**
 * Entries recorded in the trail, by action, outcome and reason: what the unauthorized-access
 * alerts read (failed and throttled sign-ins, denied accesses; monitoring/prometheus/rules). Counted
 * inside the recording transaction, so a rolled-back append (rare: the consumer retries it) counts
 * twice; an alert on rates does not mind.
 */
const entriesRecorded = counter('secureevent_audit_entries_total', 'Entries recorded in the audit trail', [
  'service',
  'action',
  'outcome',
  'reason',
]);

/** A reason code (`wrong_password`, `throttled`) as a label; anything else is `other`, so the label stays bounded. */
export const reasonLabel = (data: unknown): string => {
  const reason = data !== null && typeof data === 'object' ? (data as { reason?: unknown }).reason : undefined;
  if (reason === undefined || reason === null) return '';
  return typeof reason === 'string' && /^[a-z][a-z_]{0,39}$/.test(reason) ? reason : 'other';
};

/** Counts one recorded entry. */
export function countEntry(facets: EntryFacets, data: unknown): void {
  entriesRecorded.inc({ service: 'audit-service', action: facets.action, outcome: facets.outcome ?? '', reason: reasonLabel(data) });
}
