import type { Availability } from '@secureevent/contracts';

/**
 * A live availability frame as the event page applies it. Frames go to everyone watching the
 * event, so the gateway leaves hidden ticket types out of them; the event's managers loaded those
 * types' counts with the event and keep them (in the event's order) instead of losing the rows.
 */
export function mergeAvailability(current: Availability, pushed: Availability): Availability {
  const kept = current.ticketTypes;
  const fresh = pushed.ticketTypes;
  if (!kept || !fresh) {
    return pushed;
  }
  const byId = new Map(fresh.map((type) => [type.id, type]));
  const known = new Set(kept.map((type) => type.id));
  return {
    ...pushed,
    ticketTypes: [
      ...kept.map((type) => byId.get(type.id) ?? type),
      ...fresh.filter((type) => !known.has(type.id)),
    ],
  };
}
