import { describe, expect, it } from 'vitest';
import { exportLayout } from './attendee-export.js';
import type { ExportedAttendee } from './exports.repository.js';

const attendee: ExportedAttendee = {
  id: 'reg_0123456789abcdefghijklmno',
  displayName: 'Ada',
  email: 'ada@example.test',
  status: 'confirmed',
  ticketType: 'Speaker',
  ticketCode: '7K3M9QXD',
  registeredAt: new Date('2026-01-02T03:04:05.000Z'),
  checkedInAt: null,
  answers: { diet: 'vegan', photo: false },
};
const questions = [
  { id: 'diet', label: 'Diet', type: 'text' as const, required: false },
  { id: 'size', label: 'Size', type: 'text' as const, required: false },
  { id: 'photo', label: 'Photos', type: 'checkbox' as const, required: false },
];

describe('exportLayout', () => {
  it('when answers are chosen, then there is one column per question in the event’s order, unanswered ones empty', () => {
    const layout = exportLayout(['name', 'answers', 'checkedInAt'], questions);
    expect(layout.header).toEqual(['Name', 'Diet', 'Size', 'Photos', 'Checked in at (UTC)']);
    expect(layout.isInstant).toEqual([false, false, false, false, true]);
    expect(layout.row(attendee)).toEqual(['Ada', 'vegan', null, 'no', null]);
  });

  it('when the code and times are chosen, then the code is printed in two groups and times stay instants', () => {
    const layout = exportLayout(['code', 'registeredAt', 'ticketType', 'status'], []);
    expect(layout.row(attendee)).toEqual(['7K3M-9QXD', attendee.registeredAt, 'Speaker', 'confirmed']);
  });
});
