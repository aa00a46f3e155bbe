import { describe, expect, it } from 'vitest';
import { canManageEvent, canViewEvent, mayOrganize, type AccessibleEvent } from './event-access.js';

const organizer = { id: 'usr_org', roles: ['attendee', 'organizer'] };
const demoted = { id: 'usr_org', roles: ['attendee'] };
const admin = { id: 'usr_admin', roles: ['admin'] };
const attendee = { id: 'usr_att', roles: ['attendee'] };
const event = (over: Partial<AccessibleEvent> = {}): AccessibleEvent => ({
  status: 'published',
  visibility: 'public',
  organizerIds: ['usr_org'],
  ...over,
});

describe('who may manage an event', () => {
  it('when the caller is a listed organizer holding the role, then they manage it', () => {
    expect(canManageEvent(event(), organizer)).toBe(true);
  });
  it('when a listed organizer lost the organizer role, then they no longer manage it', () => {
    expect(canManageEvent(event(), demoted)).toBe(false);
  });
  it('when the caller is an admin, then they manage any event', () => {
    expect(canManageEvent(event({ organizerIds: [] }), admin)).toBe(true);
  });
  it('when the caller is an organizer not listed on it, or anonymous, then they do not', () => {
    expect(canManageEvent(event(), { id: 'usr_other', roles: ['organizer'] })).toBe(false);
    expect(canManageEvent(event(), undefined)).toBe(false);
  });
  it('only organizers and admins may organize', () => {
    expect([mayOrganize(['organizer']), mayOrganize(['admin']), mayOrganize(['attendee']), mayOrganize([])]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('who may see an event', () => {
  it('when it is a draft, then only its managers see it', () => {
    const draft = event({ status: 'draft' });
    expect([
      canViewEvent(draft, organizer),
      canViewEvent(draft, admin),
      canViewEvent(draft, attendee),
      canViewEvent(draft, undefined),
    ]).toEqual([true, true, false, false]);
  });
  it('when it is public, then anyone sees it, anonymous too', () => {
    expect(canViewEvent(event(), undefined)).toBe(true);
  });
  it('when it is internal, then signed-in people see it and anonymous visitors do not', () => {
    const internal = event({ visibility: 'internal' });
    expect([canViewEvent(internal, attendee), canViewEvent(internal, undefined)]).toEqual([true, false]);
  });
  it('when it is private, then a signed-in person needs the invitation or a registration', () => {
    const hidden = event({ visibility: 'private' });
    expect(canViewEvent(hidden, attendee)).toBe(false);
    expect(canViewEvent(hidden, attendee, { invited: true })).toBe(true);
    expect(canViewEvent(hidden, attendee, { registered: true })).toBe(true);
    expect(canViewEvent(hidden, undefined, { invited: true })).toBe(false);
    expect(canViewEvent(hidden, organizer)).toBe(true);
  });
  it('when a demoted organizer looks at their private draft, then they cannot see it', () => {
    expect(canViewEvent(event({ status: 'draft', visibility: 'private' }), demoted)).toBe(false);
  });
});
