import { describe, expect, it } from 'vitest';
import { AppError } from '@secureevent/shared';
import { assertEventConsistent, assertPublishable, assertTransition, type EventSchedule } from './event.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return 'no error';
};
const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).extra.errors?.map((e) => e.field);
  }
  return [];
};

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
    expect(codeOf(() => assertTransition(from, to))).toBe('INVALID_STATE_TRANSITION');
  });
});

describe('publishing', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('when a draft has not ended yet (even if it already started), then it may be published', () => {
    expect(() => assertPublishable({ status: 'draft', endsAt: '2026-06-01T12:00:01Z' }, now)).not.toThrow();
  });

  it.each(['2026-06-01T12:00:00Z', '2026-05-01T10:00:00Z'])(
    'when a draft ended at %s (not after now), then publishing is refused',
    (endsAt) => {
      expect(codeOf(() => assertPublishable({ status: 'draft', endsAt }, now))).toBe('INVALID_STATE_TRANSITION');
    },
  );

  it('when the event is not a draft, then publishing is refused whatever its dates', () => {
    expect(codeOf(() => assertPublishable({ status: 'published', endsAt: '2027-01-01T00:00:00Z' }, now))).toBe('INVALID_STATE_TRANSITION');
  });
});

describe('event consistency', () => {
  const ok: EventSchedule = {
    startsAt: '2026-06-01T10:00:00Z',
    endsAt: '2026-06-01T12:00:00Z',
    registrationOpensAt: '2026-05-01T00:00:00Z',
    registrationClosesAt: '2026-05-31T00:00:00Z',
    venue: 'Hall',
    onlineUrl: null,
  };

  it('when dates and place fit together, then nothing is thrown', () => {
    expect(() => assertEventConsistent(ok)).not.toThrow();
    expect(() => assertEventConsistent({ ...ok, registrationOpensAt: null })).not.toThrow();
    expect(() => assertEventConsistent({ ...ok, registrationClosesAt: null })).not.toThrow();
  });

  it.each([
    ['closes before it opens', { registrationClosesAt: '2026-04-30T00:00:00Z' }, ['body.registrationClosesAt']],
    ['closes the moment it opens', { registrationClosesAt: '2026-05-01T00:00:00Z' }, ['body.registrationClosesAt']],
    ['ends before it starts', { endsAt: '2026-06-01T09:00:00Z' }, ['body.endsAt']],
    ['has neither venue nor online URL', { venue: null }, ['body.venue']],
    ['breaks two rules', { endsAt: '2026-06-01T10:00:00Z', venue: null }, ['body.endsAt', 'body.venue']],
  ] as const)('when the event %s, then VALIDATION_FAILED names the field', (_what, change, fields) => {
    const event = { ...ok, ...change };
    expect(codeOf(() => assertEventConsistent(event))).toBe('VALIDATION_FAILED');
    expect(fieldsOf(() => assertEventConsistent(event))).toEqual(fields);
  });
});
