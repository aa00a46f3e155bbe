import { isPersonalValueRef } from '@secureevent/shared';

/**
 * The `changes` cell of a CSV export: an entry's before/after (`data.changes` of
 * `audit.recorded.v1`) as one readable line, `field: from → to; …`, values as JSON. A personal
 * value is a keyed reference in the trail (ADR 0021) and shows as `[personal data #<hmac prefix>]`,
 * so equal references are visibly equal without anything personal in the file. It is derived from
 * `data` (which the hash covers), and the verifier recomputes it, so an edited cell is caught.
 */
export function changesCell(data: unknown): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return '';
  const changes = (data as { changes?: unknown }).changes;
  if (!Array.isArray(changes)) return '';
  return changes
    .map((c: unknown) => {
      const change = c !== null && typeof c === 'object' ? (c as { field?: unknown; from?: unknown; to?: unknown }) : {};
      return `${String(change.field)}: ${shown(change.from)} → ${shown(change.to)}`;
    })
    .join('; ');
}

function shown(v: unknown): string {
  if (isPersonalValueRef(v)) return `[personal data #${v.hmac.slice(0, 8)}]`;
  return JSON.stringify(v === undefined ? null : v);
}
