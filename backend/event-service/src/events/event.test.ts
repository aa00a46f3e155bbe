import { describe, expect, it } from 'vitest';
import { AppError } from '@secureevent/shared';
import type { EventDto } from '@secureevent/contracts';
import {
  addOrganizer,
  announcesChanges,
  applyChanges,
  assertEventConsistent,
  assertTransition,
  cancel,
  complete,
  publish,
  removeOrganizer,
  type EventSchedule,
} from './event.js';

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
    expect(() => publish({ status: 'draft', endsAt: '2026-06-01T12:00:01Z' }, now)).not.toThrow();
  });

  it.each(['2026-06-01T12:00:00Z', '2026-05-01T10:00:00Z'])(
    'when a draft ended at %s (not after now), then publishing is refused',
    (endsAt) => {
      expect(codeOf(() => publish({ status: 'draft', endsAt }, now))).toBe('INVALID_STATE_TRANSITION');
    },
  );

  it('when the event is not a draft, then publishing is refused whatever its dates', () => {
    expect(codeOf(() => publish({ status: 'published', endsAt: '2027-01-01T00:00:00Z' }, now))).toBe('INVALID_STATE_TRANSITION');
  });

  it('when a draft is published, then the change is its status from draft to published', () => {
    expect(publish({ status: 'draft', endsAt: '2026-07-01T00:00:00Z' }, now)).toEqual([
      { field: 'status', from: 'draft', to: 'published' },
    ]);
  });
});

describe('cancelling and completing', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('when a published event is cancelled, then the change is its status; a draft or a finished event cannot be cancelled', () => {
    expect(cancel({ status: 'published' })).toEqual([{ field: 'status', from: 'published', to: 'cancelled' }]);
    expect(codeOf(() => cancel({ status: 'draft' }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(() => cancel({ status: 'completed' }))).toBe('INVALID_STATE_TRANSITION');
  });

  it('when a published event has ended, then it may be completed; before its end it may not', () => {
    expect(complete({ status: 'published', endsAt: '2026-06-01T11:00:00Z' }, now)).toEqual([
      { field: 'status', from: 'published', to: 'completed' },
    ]);
    expect(codeOf(() => complete({ status: 'published', endsAt: '2026-06-01T13:00:00Z' }, now))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(() => complete({ status: 'cancelled', endsAt: '2026-06-01T11:00:00Z' }, now))).toBe('INVALID_STATE_TRANSITION');
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

describe('applying an edit', () => {
  const stored: EventDto = {
    id: 'evt_0123456789abcdefghijklmno',
    title: 'Offsite',
    description: '',
    descriptionHtml: '',
    startsAt: '2026-06-10T09:00:00.000Z',
    endsAt: '2026-06-10T17:00:00.000Z',
    timeZone: 'UTC',
    venue: 'Barn',
    onlineUrl: null,
    capacity: 10,
    overallCapacity: null,
    ticketTypes: [
      {
        id: 'tkt_0123456789abcdefghijklmno',
        name: 'General admission',
        description: null,
        capacity: 10,
        hidden: false,
        accessCodeRequired: false,
        salesStart: null,
        salesEnd: null,
      },
    ],
    visibility: 'public',
    tags: ['team'],
    status: 'published',
    organizerIds: ['usr_a'],
    createdAt: '2026-05-01T00:00:00.000Z',
    publishedAt: '2026-05-02T00:00:00.000Z',
    registrationOpensAt: '2026-05-05T00:00:00.000Z',
    registrationClosesAt: '2026-06-09T00:00:00.000Z',
    questions: [],
    registrationMode: 'open',
    availability: {
      capacity: 10,
      confirmed: 6,
      seatsLeft: 4,
      waitlisted: 0,
      ticketTypes: [{ id: 'tkt_0123456789abcdefghijklmno', capacity: 10, confirmed: 6, seatsLeft: 4, waitlisted: 0 }],
    },
  };
  const newTypeId = () => 'tkt_newnewnewnewnewnewnewnewn';

  it('when fields are sent, then only those whose value differs are changes, each from the stored value to the new one', () => {
    const { event, changes } = applyChanges(stored, { title: 'Offsite 2026', venue: 'Barn', tags: ['team', 'outdoor'] }, newTypeId);
    expect(changes).toEqual([
      { field: 'title', from: 'Offsite', to: 'Offsite 2026' },
      { field: 'tags', from: ['team'], to: ['team', 'outdoor'] },
    ]);
    expect(event).toMatchObject({ title: 'Offsite 2026', venue: 'Barn', tags: ['team', 'outdoor'], capacity: 10 });
  });

  it('when nothing sent differs from the stored event, then there are no changes and nothing to announce', () => {
    const { changes } = applyChanges(stored, { title: 'Offsite', capacity: 10 }, newTypeId);
    expect(changes).toEqual([]);
    expect(announcesChanges(stored, changes)).toBe(false);
  });

  it('when registrationClosesAt alone is sent before the stored registrationOpensAt, then the edit is refused on that field', () => {
    const patch = { registrationClosesAt: '2026-05-04T00:00:00.000Z' };
    expect(codeOf(() => applyChanges(stored, patch, newTypeId))).toBe('VALIDATION_FAILED');
    expect(fieldsOf(() => applyChanges(stored, patch, newTypeId))).toEqual(['body.registrationClosesAt']);
  });

  it('when registrationOpensAt alone is moved after the stored registrationClosesAt, then the edit is refused on registrationClosesAt', () => {
    expect(fieldsOf(() => applyChanges(stored, { registrationOpensAt: '2026-06-09T12:00:00.000Z' }, newTypeId))).toEqual([
      'body.registrationClosesAt',
    ]);
  });

  it('when the venue is cleared and there is no online URL, then the edit is refused', () => {
    expect(fieldsOf(() => applyChanges(stored, { venue: null }, newTypeId))).toEqual(['body.venue']);
  });

  it('when capacity drops below the confirmed count, then the edit is refused; down to it is allowed', () => {
    expect(fieldsOf(() => applyChanges(stored, { capacity: 5 }, newTypeId))).toEqual(['body.capacity']);
    expect(applyChanges(stored, { capacity: 6 }, newTypeId).changes).toEqual([{ field: 'capacity', from: 10, to: 6 }]);
  });

  it('when the capacity of an event with one type and no overall limit changes, then that type is resized (clients without types keep working)', () => {
    const { event, ticketTypes } = applyChanges(stored, { capacity: 25 }, newTypeId);
    expect(ticketTypes).toMatchObject({ overallCapacity: null, capacity: 25, removed: [] });
    expect(event.ticketTypes.map((t) => t.capacity)).toEqual([25]);
    expect(event.capacity).toBe(25);
  });

  it('when ticket types are sent, then the list is the plan and a change of them is recorded', () => {
    const { ticketTypes, changes } = applyChanges(
      stored,
      {
        ticketTypes: [
          { ...stored.ticketTypes[0]!, capacity: 8 },
          { name: 'Speaker', description: null, capacity: 3, hidden: true, accessCodeRequired: false, salesStart: null, salesEnd: null },
        ],
      },
      newTypeId,
    );
    expect(ticketTypes?.types.map((t) => [t.id, t.capacity])).toEqual([
      ['tkt_0123456789abcdefghijklmno', 8],
      ['tkt_newnewnewnewnewnewnewnewn', 3],
    ]);
    expect(changes.map((c) => c.field)).toEqual(['ticketTypes']);
  });

  it.each(['cancelled', 'completed'] as const)('when the event is %s, then no edit is allowed', (status) => {
    expect(codeOf(() => applyChanges({ ...stored, status }, { title: 'Again' }, newTypeId))).toBe('INVALID_STATE_TRANSITION');
  });

  it('when a draft changes, then nothing is announced; when a published event changes, then it is', () => {
    const { changes } = applyChanges(stored, { title: 'New' }, newTypeId);
    expect(announcesChanges({ status: 'draft' }, changes)).toBe(false);
    expect(announcesChanges(stored, changes)).toBe(true);
  });
});

describe('organizers', () => {
  it('when someone is added, then the change lists the organizers before and after; adding someone listed changes nothing', () => {
    expect(addOrganizer({ organizerIds: ['usr_a'] }, 'usr_b')).toEqual([
      { field: 'organizerIds', from: ['usr_a'], to: ['usr_a', 'usr_b'] },
    ]);
    expect(addOrganizer({ organizerIds: ['usr_a', 'usr_b'] }, 'usr_b')).toEqual([]);
  });

  it('when someone is removed, then the change lists the organizers before and after', () => {
    expect(removeOrganizer({ organizerIds: ['usr_a', 'usr_b'] }, 'usr_a')).toEqual([
      { field: 'organizerIds', from: ['usr_a', 'usr_b'], to: ['usr_b'] },
    ]);
  });

  it('when the one removed is not listed, then NOT_FOUND; when they are the last, then CONFLICT', () => {
    expect(codeOf(() => removeOrganizer({ organizerIds: ['usr_a'] }, 'usr_b'))).toBe('NOT_FOUND');
    expect(codeOf(() => removeOrganizer({ organizerIds: ['usr_a'] }, 'usr_a'))).toBe('CONFLICT');
  });
});
