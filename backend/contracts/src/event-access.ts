import type { Role } from './common.js';
import type { EventStatus, EventVisibility } from './events.js';

/**
 * Who may see and who may manage an event: the one definition, used by the event-service (which
 * owns events), the notification-service (which decides who may watch an event's live room) and
 * the web app (which shows or hides the organizer panel). Pure functions of plain data.
 *
 * Managing (editing, publishing, cancelling, the attendee list and its export, check-in,
 * co-organizers, watching check-in progress) needs two things at once: the caller holds a role
 * that may organize *now* (organizer or admin, as their current token says), and is one of the
 * event's organizers — admins manage every event. Being listed on an event is not enough on its
 * own: an organizer whose role an admin removed loses their events with their next token, while the
 * list still says who they were, so that an admin can hand the events over.
 *
 * Seeing: drafts only their managers; internal events any signed-in user; public ones anyone,
 * anonymous too; private ones their managers and signed-in people who either present the event's
 * invitation code or hold a live registration for it.
 */

/** The caller, as their current token describes them. */
export interface EventViewer {
  id: string;
  roles: readonly string[];
}

/** The parts of an event the rules read. */
export interface AccessibleEvent {
  status: EventStatus;
  visibility: EventVisibility;
  organizerIds: readonly string[];
}

/** The roles that may organize events. */
export const ORGANIZING_ROLES: readonly Role[] = ['organizer', 'admin'];

/** True when someone with `roles` may organize events (and so be made a co-organizer). */
export function mayOrganize(roles: readonly string[]): boolean {
  return ORGANIZING_ROLES.some((r) => roles.includes(r));
}

/** True when `viewer` may manage the event: an admin, or one of its organizers who still may organize. */
export function canManageEvent(event: Pick<AccessibleEvent, 'organizerIds'>, viewer: EventViewer | null | undefined): boolean {
  if (!viewer) return false;
  if (viewer.roles.includes('admin')) return true;
  return mayOrganize(viewer.roles) && event.organizerIds.includes(viewer.id);
}

/** What, besides the viewer's identity, admits them to a private event. */
export interface PrivateEventPass {
  /** The caller presented the event's invitation code. */
  invited?: boolean;
  /** The caller holds a live (confirmed or waitlisted) registration for the event. */
  registered?: boolean;
}

/** True when `viewer` (undefined: anonymous) may see the event. */
export function canViewEvent(event: AccessibleEvent, viewer: EventViewer | null | undefined, pass: PrivateEventPass = {}): boolean {
  if (canManageEvent(event, viewer)) return true;
  if (event.status === 'draft') return false;
  if (event.visibility === 'public') return true;
  if (!viewer) return false;
  if (event.visibility === 'internal') return true;
  return pass.invited === true || pass.registered === true;
}
