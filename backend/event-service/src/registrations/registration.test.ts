import { describe, expect, it } from 'vitest';
import type { AppError } from '@secureevent/shared';
import { assertRegistrationOpen, cancel } from './registration.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return 'no error';
};

describe('registration window', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const open = {
    status: 'published',
    registrationOpensAt: '2026-05-01T00:00:00Z',
    registrationClosesAt: '2026-06-05T00:00:00Z',
    endsAt: '2026-06-10T00:00:00Z',
  } as const;

  it('when a published event is inside its window and not over, then registration is open', () => {
    expect(() => assertRegistrationOpen(open, now)).not.toThrow();
    expect(() => assertRegistrationOpen({ ...open, registrationOpensAt: null, registrationClosesAt: null }, now)).not.toThrow();
  });

  it.each([
    ['a draft', { status: 'draft' }],
    ['cancelled', { status: 'cancelled' }],
    ['not open yet', { registrationOpensAt: '2026-06-01T12:00:01Z' }],
    ['closed at this very moment', { registrationClosesAt: '2026-06-01T12:00:00Z' }],
    ['over', { endsAt: '2026-06-01T12:00:00Z', registrationClosesAt: null }],
  ] as const)('when the event is %s, then REGISTRATION_CLOSED', (_what, change) => {
    expect(codeOf(() => assertRegistrationOpen({ ...open, ...change }, now))).toBe('REGISTRATION_CLOSED');
  });
});

describe('cancelling a registration', () => {
  it('when a confirmed registration is cancelled, then it frees a seat', () => {
    expect(cancel('confirmed')).toEqual({
      changes: [{ field: 'status', from: 'confirmed', to: 'cancelled' }],
      delta: { confirmed: -1, waitlisted: 0 },
    });
  });

  it('when a waitlisted registration is cancelled, then it frees a place in the queue', () => {
    expect(cancel('waitlisted')?.delta).toEqual({ confirmed: 0, waitlisted: -1 });
  });

  it('when it is already cancelled, then cancelling again changes nothing', () => {
    expect(cancel('cancelled')).toBeUndefined();
  });
});
