// Response types of `GET /api/events`, taken from the backend contracts so the two cannot drift.
// Type-only imports: no backend code reaches the bundle.
import type { EventDto, EventPage as ContractEventPage } from '@secureevent/contracts';

/** Who may see an event. */
export const EventVisibility = {
  Public: 'public',
  Internal: 'internal',
  Private: 'private',
} as const;
export type EventVisibility = EventDto['visibility'];

/** A published event as listed to attendees. */
export type EventSummary = EventDto;

/** One page of events; `nextCursor` is null on the last page. */
export type EventPage = ContractEventPage;
