import { EVENT_DRAFT_FIELDS, eventDraftSchema, type DraftWarning, type EventDraft } from '@secureevent/contracts';

/**
 * Whatever a provider returns, the draft that leaves the service passes the same rules as the
 * event create body (partial): a field that breaks them is dropped with a warning, never passed
 * through, so the editor can submit every draft as it is.
 */
export function validDraft(candidate: Record<string, unknown>): { draft: EventDraft; warnings: DraftWarning[] } {
  const warnings: DraftWarning[] = [];
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(candidate)) {
    if (!(EVENT_DRAFT_FIELDS as readonly string[]).includes(key)) {
      warnings.push({ field: '', message: `ignored an unknown field “${key.slice(0, 40)}”` });
      continue;
    }
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) fields[key] = value;
  }
  // Drop offending fields one at a time until the rest passes (cross-field rules name one field).
  for (let round = 0; round <= EVENT_DRAFT_FIELDS.length; round++) {
    const parsed = eventDraftSchema.safeParse(fields);
    if (parsed.success) return { draft: parsed.data, warnings };
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')).filter((k) => k in fields));
    if (bad.size === 0) break;
    for (const key of bad) {
      const issue = parsed.error.issues.find((i) => String(i.path[0]) === key);
      warnings.push({ field: key, message: `left empty: the suggestion was not valid (${issue?.message ?? 'invalid'})` });
      delete fields[key];
    }
  }
  return { draft: {}, warnings: [...warnings, { field: '', message: 'no usable suggestion' }] };
}
