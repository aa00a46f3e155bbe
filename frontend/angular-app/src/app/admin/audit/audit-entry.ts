import type { AuditEntry } from './audit.api';

/** One row of an entry's before/after table. */
export interface ChangeRow {
  readonly field: string;
  /** The old and new values as text; null for a value withheld as personal data. */
  readonly from: string | null;
  readonly to: string | null;
  /** The value is a personal value's keyed reference (ADR 0021), shown as withheld. */
  readonly fromWithheld: boolean;
  readonly toWithheld: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A personal value's stand-in in the trail: `{ hmac, keyId }`. */
function isPersonalRef(value: unknown): boolean {
  return isRecord(value) && typeof value['hmac'] === 'string' && typeof value['keyId'] === 'string';
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `data.changes` of an entry as rows, or null when it has none. */
export function changesOf(entry: Pick<AuditEntry, 'data'>): ChangeRow[] | null {
  const changes = isRecord(entry.data) ? entry.data['changes'] : undefined;
  if (!Array.isArray(changes) || changes.length === 0) {
    return null;
  }
  return changes.filter(isRecord).map((change) => ({
    field: asText(change['field']),
    from: isPersonalRef(change['from']) ? null : asText(change['from']),
    to: isPersonalRef(change['to']) ? null : asText(change['to']),
    fromWithheld: isPersonalRef(change['from']),
    toWithheld: isPersonalRef(change['to']),
  }));
}

/** An entry's data, indented, for the expanded view. */
export function dataText(entry: Pick<AuditEntry, 'data'>): string {
  return JSON.stringify(entry.data ?? null, null, 2);
}

/** A `datetime-local` value (the viewer's clock) as an instant, or undefined when empty. */
export function localToInstant(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
