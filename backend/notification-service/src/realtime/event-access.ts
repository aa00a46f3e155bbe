import type { AuthUser } from '@secureevent/shared';

/** An event as the gateway knows it, seen from one caller. */
export interface WatchedEvent {
  eventId: string;
  visibility: 'public' | 'internal' | 'private';
  organizerIds: readonly string[];
  status: 'published' | 'cancelled';
  /** The caller holds a live registration for it. */
  registered: boolean;
}

/** Organizers, co-organizers and admins manage an event (and see its check-in progress). */
export function canManage(event: WatchedEvent, viewer: AuthUser | undefined): boolean {
  return !!viewer && (viewer.roles.includes('admin') || event.organizerIds.includes(viewer.id));
}

/**
 * Who may watch an event's room, mirroring the event-service's `canView`: public events anyone
 * (anonymous too), internal ones any signed-in user, private ones only their managers and the
 * people registered for them (the invitation link is the event-service's business).
 */
export function canWatch(event: WatchedEvent, viewer: AuthUser | undefined): boolean {
  if (canManage(event, viewer)) return true;
  if (event.visibility === 'public') return true;
  if (event.visibility === 'internal') return viewer !== undefined;
  return viewer !== undefined && event.registered;
}
