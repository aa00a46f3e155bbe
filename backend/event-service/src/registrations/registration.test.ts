import { describe, expect, it } from 'vitest';
import type { AppError } from '@secureevent/shared';
import type { TicketType } from '@secureevent/contracts';
import { assertPending, assertRegistrationOpen, cancel, chooseTicketType, initialStatus, isLive } from './registration.js';

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
    expect(cancel('confirmed', 'tkt_a')).toEqual({
      changes: [{ field: 'status', from: 'confirmed', to: 'cancelled' }],
      delta: { confirmed: -1, waitlisted: 0, types: [{ id: 'tkt_a', confirmed: -1, waitlisted: 0 }] },
    });
  });

  it('when a waitlisted registration is cancelled, then it frees a place in the queue', () => {
    expect(cancel('waitlisted', 'tkt_a')?.delta).toEqual({
      confirmed: 0,
      waitlisted: -1,
      types: [{ id: 'tkt_a', confirmed: 0, waitlisted: -1 }],
    });
  });

  it('when it is already cancelled, then cancelling again changes nothing', () => {
    expect(cancel('cancelled', 'tkt_a')).toBeUndefined();
  });
});

describe('choosing a ticket type', () => {
  const type = (id: string, extra: Partial<TicketType> = {}): TicketType => ({
    id,
    name: id,
    description: null,
    capacity: 10,
    hidden: false,
    accessCodeRequired: false,
    salesStart: null,
    salesEnd: null,
    ...extra,
  });
  const now = new Date('2026-06-01T12:00:00Z');
  const fieldOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as AppError).extra.errors?.map((e) => e.field);
    }
    return [];
  };

  it('when the event has one type and none is named, then it is that one', () => {
    expect(chooseTicketType([type('tkt_a')], undefined, { now }).id).toBe('tkt_a');
  });

  it('when the event has several types, then the one named is chosen; none named is VALIDATION_FAILED on body.ticketTypeId', () => {
    const types = [type('tkt_a'), type('tkt_b')];
    expect(chooseTicketType(types, 'tkt_b', { now }).id).toBe('tkt_b');
    expect(codeOf(() => chooseTicketType(types, undefined, { now }))).toBe('VALIDATION_FAILED');
    expect(fieldOf(() => chooseTicketType(types, undefined, { now }))).toEqual(['body.ticketTypeId']);
  });

  it('when one type is visible and another hidden, then naming none picks the visible one', () => {
    expect(chooseTicketType([type('tkt_a'), type('tkt_h', { hidden: true })], undefined, { now }).id).toBe('tkt_a');
  });

  it("when the type is not one of the event's, then VALIDATION_FAILED", () => {
    expect(codeOf(() => chooseTicketType([type('tkt_a')], 'tkt_z', { now }))).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['hidden', { hidden: true }],
    ['behind an access code', { accessCodeRequired: true }],
  ] as const)('when the type is %s and no code was accepted, then FORBIDDEN on body.accessCode; with one, it is chosen', (_what, extra) => {
    const types = [type('tkt_a'), type('tkt_s', extra)];
    expect(codeOf(() => chooseTicketType(types, 'tkt_s', { now }))).toBe('FORBIDDEN');
    expect(fieldOf(() => chooseTicketType(types, 'tkt_s', { now }))).toEqual(['body.accessCode']);
    expect(chooseTicketType(types, 'tkt_s', { now, unlocked: new Set(['tkt_s']) }).id).toBe('tkt_s');
    expect(codeOf(() => chooseTicketType(types, 'tkt_s', { now, unlocked: new Set(['tkt_a']) }))).toBe('FORBIDDEN');
  });

  it('when a code opens one type and none is named, then it is that type; when it opens two, one must be named', () => {
    const types = [type('tkt_a'), type('tkt_h', { hidden: true }), type('tkt_c', { accessCodeRequired: true })];
    expect(chooseTicketType(types, undefined, { now, unlocked: new Set(['tkt_h']) }).id).toBe('tkt_h');
    expect(codeOf(() => chooseTicketType(types, undefined, { now, unlocked: new Set(['tkt_h', 'tkt_c']) }))).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['before its sales start', { salesStart: '2026-06-01T12:00:01Z' }],
    ['at its sales end', { salesEnd: '2026-06-01T12:00:00Z' }],
  ] as const)('when it is %s, then REGISTRATION_CLOSED', (_what, extra) => {
    expect(codeOf(() => chooseTicketType([type('tkt_a', extra)], 'tkt_a', { now }))).toBe('REGISTRATION_CLOSED');
  });
});

describe('approval decisions', () => {
  it('when a registration is pending, then it may be approved or rejected; in any other state, INVALID_STATE_TRANSITION', () => {
    expect(() => assertPending('pending', 'approve')).not.toThrow();
    for (const status of ['confirmed', 'waitlisted', 'rejected', 'cancelled'] as const) {
      expect(codeOf(() => assertPending(status, 'approve'))).toBe('INVALID_STATE_TRANSITION');
      expect(codeOf(() => assertPending(status, 'reject'))).toBe('INVALID_STATE_TRANSITION');
    }
  });

  it('when an event takes registrations by approval, then a new one is pending whatever the seats; open, the seat claim decides', () => {
    expect([initialStatus('approval', true), initialStatus('approval', false)]).toEqual(['pending', 'pending']);
    expect([initialStatus('open', true), initialStatus('open', false)]).toEqual(['confirmed', 'waitlisted']);
  });

  it('when a pending registration is cancelled, then no counter moves; a rejected one cannot be cancelled again', () => {
    expect(cancel('pending', 'tkt_a')?.delta).toEqual({
      confirmed: 0,
      waitlisted: 0,
      types: [{ id: 'tkt_a', confirmed: 0, waitlisted: 0 }],
    });
    expect(cancel('rejected', 'tkt_a')).toBeUndefined();
    expect(['confirmed', 'waitlisted', 'pending', 'rejected', 'cancelled'].filter((s) => isLive(s as 'pending'))).toEqual([
      'confirmed',
      'waitlisted',
      'pending',
    ]);
  });
});
