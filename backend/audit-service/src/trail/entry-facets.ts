/**
 * The search facets of an audit entry, derived from the message it records: who acted, what the
 * action was, and how it ended. Messages name their actor in different fields (`publishedBy`,
 * `changedBy`, …; `actorId` in `audit.recorded.v1`); the first that holds a user id wins.
 * `db/migrations/0002-search-facets.ts` backfills old rows with a frozen copy of this rule.
 */

/** The fields that name the acting user, in order of preference. */
export const ACTOR_FIELDS = [
  'actorId',
  'changedBy',
  'publishedBy',
  'updatedBy',
  'cancelledBy',
  'checkedInBy',
  'disabledBy',
  'enabledBy',
] as const;
const USER_ID = /^usr_[0-9a-z]{25}$/;
const OUTCOMES = new Set(['success', 'failure', 'denied']);

/** Search facets of one entry. */
export interface EntryFacets {
  actor: string | null;
  action: string;
  outcome: string | null;
}

/** Derives the facets of a message: `action` is `audit.recorded.v1`'s own action, else the type without its version. */
export function entryFacets(type: string, data: unknown): EntryFacets {
  const record = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const actor = ACTOR_FIELDS.map((f) => record[f]).find((v): v is string => typeof v === 'string' && USER_ID.test(v)) ?? null;
  const ownAction = type === 'audit.recorded.v1' && typeof record.action === 'string' ? record.action.slice(0, 100) : undefined;
  const outcome = typeof record.outcome === 'string' && OUTCOMES.has(record.outcome) ? record.outcome : null;
  return { actor, action: ownAction ?? type.replace(/\.v\d+$/, ''), outcome };
}
