import { describe, expect, it } from 'vitest';
import { AppError } from '@secureevent/shared';
import { assertTransition, canView } from './event.js';

describe('event lifecycle', () => {
  it('when a draft is published, then the transition is allowed', () => {
    expect(() => assertTransition('draft', 'published')).not.toThrow();
  });

  it.each([
    ['draft', 'cancelled'],
    ['published', 'draft'],
    ['cancelled', 'published'],
    ['completed', 'published'],
  ] as const)('when %s becomes %s, then INVALID_STATE_TRANSITION is thrown', (from, to) => {
    expect(() => assertTransition(from, to)).toThrow(AppError);
    try {
      assertTransition(from, to);
    } catch (err) {
      expect((err as AppError).code).toBe('INVALID_STATE_TRANSITION');
    }
  });
});

describe('event visibility', () => {
  const organizer = { id: 'usr_a', roles: ['organizer'] };
  const stranger = { id: 'usr_b', roles: ['attendee'] };
  const base = { organizerIds: ['usr_a'] };

  it('when an event is a draft, then only its organizers and admins see it', () => {
    const e = { ...base, status: 'draft', visibility: 'public' } as const;
    expect(canView(e, organizer)).toBe(true);
    expect(canView(e, { id: 'usr_x', roles: ['admin'] })).toBe(true);
    expect(canView(e, stranger)).toBe(false);
    expect(canView(e, undefined)).toBe(false);
  });

  it('when an event is internal, then anonymous callers cannot see it but signed-in users can', () => {
    const e = { ...base, status: 'published', visibility: 'internal' } as const;
    expect(canView(e, undefined)).toBe(false);
    expect(canView(e, stranger)).toBe(true);
  });

  it('when an event is private, then a signed-in stranger sees it only with the invitation, and anonymous callers never', () => {
    const e = { ...base, status: 'published', visibility: 'private' } as const;
    expect(canView(e, stranger)).toBe(false);
    expect(canView(e, stranger, true)).toBe(true);
    expect(canView(e, undefined, true)).toBe(false);
    expect(canView(e, organizer)).toBe(true);
  });
});
