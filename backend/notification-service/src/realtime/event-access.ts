import { canManageEvent, canViewEvent } from '@secureevent/contracts';
import type { AuthUser } from '@secureevent/shared';

/** An event as the gateway knows it (its projection of the event messages), seen from one caller. */
export interface WatchedEvent {
  eventId: string;
  visibility: 'public' | 'internal' | 'private';
  organizerIds: readonly string[];
  status: 'published' | 'cancelled';
  /** The caller holds a live registration for it. */
  registered: boolean;
}

/**
 * Who manages the event (and so sees its check-in progress): the one rule in
 * `@secureevent/contracts` — admins, and organizers listed on it who still hold an organizing role.
 */
export function canManage(event: WatchedEvent, viewer: AuthUser | undefined): boolean {
  return canManageEvent(event, viewer);
}

/**
 * Who may watch the event's room: whoever may see the event, by the one rule in
 * `@secureevent/contracts`. A private event admits its registrants; the invitation code is the
 * event-service's business, so it never admits anyone here.
 */
export function canWatch(event: WatchedEvent, viewer: AuthUser | undefined): boolean {
  return canViewEvent(event, viewer, { registered: event.registered });
}
