import { AppError, ErrorCode } from '@secureevent/shared';
import type { EventDto } from '@secureevent/contracts';

/** An event's lifecycle: draft → published → cancelled | completed. Nothing else is allowed. */
export type EventStatus = EventDto['status'];

const transitions: Record<EventStatus, readonly EventStatus[]> = {
  draft: ['published'],
  published: ['cancelled', 'completed'],
  cancelled: [],
  completed: [],
};

/** Throws INVALID_STATE_TRANSITION unless `from → to` is a legal step. */
export function assertTransition(from: EventStatus, to: EventStatus): void {
  if (!transitions[from].includes(to)) {
    throw new AppError(ErrorCode.INVALID_STATE_TRANSITION, `An event that is ${from} cannot become ${to}.`);
  }
}

/** Who may see an event: drafts only its managers; internal ones any signed-in user; public ones anyone. */
export function canView(
  event: Pick<EventDto, 'status' | 'visibility' | 'organizerIds'>,
  viewer: { id: string; roles: readonly string[] } | undefined,
  /** The caller presented the event's invitation code (private events). */
  invited = false,
): boolean {
  if (viewer && (viewer.roles.includes('admin') || event.organizerIds.includes(viewer.id))) return true;
  if (event.status === 'draft') return false;
  if (event.visibility === 'public') return true;
  if (event.visibility === 'internal') return viewer !== undefined;
  // Private events are seen through their invitation link, by signed-in people only.
  return event.visibility === 'private' && invited && viewer !== undefined;
}
