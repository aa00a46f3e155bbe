import { describe, expect, it } from 'vitest';
import { dueAt, offsetLabel, reminderSourceKey, REMINDER_OFFSETS_MINUTES } from './reminder-offsets.js';

describe('reminder offsets', () => {
  it('when an event starts, then reminders are due 24 hours and 1 hour before', () => {
    const startsAt = new Date('2031-03-30T09:00:00Z');
    expect(REMINDER_OFFSETS_MINUTES.map((o) => dueAt(startsAt, o).toISOString())).toEqual([
      '2031-03-29T09:00:00.000Z',
      '2031-03-30T08:00:00.000Z',
    ]);
    expect(REMINDER_OFFSETS_MINUTES.map(offsetLabel)).toEqual(['24 hours', '1 hour']);
    expect(offsetLabel(90)).toBe('90 minutes');
  });

  it('when an event moves, then its reminder gets a new source key, so the moved reminder is not taken for a duplicate', () => {
    const a = reminderSourceKey('reg_1', 60, new Date('2031-03-30T08:00:00Z'));
    const b = reminderSourceKey('reg_1', 60, new Date('2031-03-31T08:00:00Z'));
    expect(a).not.toBe(b);
    expect(reminderSourceKey('reg_1', 60, new Date('2031-03-30T08:00:00Z'))).toBe(a);
  });
});
