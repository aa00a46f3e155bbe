import { describe, expect, it } from 'vitest';
import { canManageEvent, canViewEvent, mayOrganize } from '@secureevent/contracts';

/**
 * The rules themselves are unit-tested beside their one definition (backend/contracts/src/event-access.test.ts).
 * These pin the cases the event-service's own behaviour rests on: a demoted organizer, drafts, and the
 * private-event pass that `mayView` reads from the database.
 */
describe('managing an event', () => {
  const event = { organizerIds: ['usr_a'] };

  it('when a listed organizer still holds the organizer role, then they manage the event', () => {
    expect(canManageEvent(event, { id: 'usr_a', roles: ['attendee', 'organizer'] })).toBe(true);
  });

  it('when a listed organizer has lost the organizer role, then they no longer manage it', () => {
    expect(canManageEvent(event, { id: 'usr_a', roles: ['attendee'] })).toBe(false);
  });

  it('when an organizer is not listed on the event, then they do not manage it; an admin manages every event', () => {
    expect(canManageEvent(event, { id: 'usr_b', roles: ['organizer'] })).toBe(false);
    expect(canManageEvent(event, { id: 'usr_x', roles: ['admin'] })).toBe(true);
  });

  it('when someone holds organizer or admin, then they may be made a co-organizer; an attendee may not', () => {
    expect(mayOrganize(['organizer'])).toBe(true);
    expect(mayOrganize(['admin'])).toBe(true);
    expect(mayOrganize(['attendee'])).toBe(false);
    expect(mayOrganize([])).toBe(false);
  });
});

describe('event visibility', () => {
  const organizer = { id: 'usr_a', roles: ['organizer'] };
  const stranger = { id: 'usr_b', roles: ['attendee'] };
  const base = { organizerIds: ['usr_a'] };

  it('when an event is a draft, then only its organizers and admins see it', () => {
    const e = { ...base, status: 'draft', visibility: 'public' } as const;
    expect(canViewEvent(e, organizer)).toBe(true);
    expect(canViewEvent(e, { id: 'usr_x', roles: ['admin'] })).toBe(true);
    expect(canViewEvent(e, stranger)).toBe(false);
    expect(canViewEvent(e, undefined)).toBe(false);
  });

  it('when a listed organizer lost the organizer role, then they see their draft no more', () => {
    const e = { ...base, status: 'draft', visibility: 'public' } as const;
    expect(canViewEvent(e, { id: 'usr_a', roles: ['attendee'] })).toBe(false);
  });

  it('when an event is internal, then anonymous callers cannot see it but signed-in users can', () => {
    const e = { ...base, status: 'published', visibility: 'internal' } as const;
    expect(canViewEvent(e, undefined)).toBe(false);
    expect(canViewEvent(e, stranger)).toBe(true);
  });

  it('when an event is private, then a signed-in stranger sees it only with the invitation or a live registration, and anonymous callers never', () => {
    const e = { ...base, status: 'published', visibility: 'private' } as const;
    expect(canViewEvent(e, stranger)).toBe(false);
    expect(canViewEvent(e, stranger, { invited: true })).toBe(true);
    expect(canViewEvent(e, stranger, { registered: true })).toBe(true);
    expect(canViewEvent(e, undefined, { invited: true })).toBe(false);
    expect(canViewEvent(e, organizer)).toBe(true);
  });
});
