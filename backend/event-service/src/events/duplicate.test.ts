import { describe, expect, it } from 'vitest';
import type { EventDto } from '@secureevent/contracts';
import { AppError } from '@secureevent/shared';
import { duplicateOf, organizersOfCopy } from './duplicate.js';

const source = {
  id: 'evt_source',
  title: 'Offsite',
  description: 'Two days',
  startsAt: '2030-05-01T09:00:00.000Z',
  endsAt: '2030-05-02T17:00:00.000Z',
  timeZone: 'Europe/Berlin',
  registrationOpensAt: '2030-04-01T00:00:00.000Z',
  registrationClosesAt: null,
  ticketTypes: [
    {
      id: 'tkt_a',
      name: 'Early',
      description: null,
      capacity: 5,
      hidden: false,
      accessCodeRequired: false,
      salesStart: null,
      salesEnd: '2030-04-15T00:00:00.000Z',
    },
  ],
  organizerIds: ['usr_owner', 'usr_co'],
  tags: ['team'],
  questions: [],
} as unknown as EventDto;

describe('duplicateOf', () => {
  it('when a new start is given, then every time moves by the same amount and the ticket types get new ids', () => {
    let n = 0;
    const copy = duplicateOf(source, {
      id: 'evt_copy',
      startsAt: '2030-06-01T09:00:00.000Z',
      organizerIds: ['usr_me'],
      newTypeId: () => `tkt_new${++n}`,
    });
    expect(copy).toMatchObject({
      id: 'evt_copy',
      status: 'draft',
      startsAt: '2030-06-01T09:00:00.000Z',
      endsAt: '2030-06-02T17:00:00.000Z',
      registrationOpensAt: '2030-05-02T00:00:00.000Z',
      registrationClosesAt: null,
      organizerIds: ['usr_me'],
    });
    expect(copy.ticketTypes).toEqual([
      expect.objectContaining({ id: 'tkt_new1', name: 'Early', salesStart: null, salesEnd: '2030-05-16T00:00:00.000Z' }),
    ]);
  });

  it('when no start is given, then the times stay', () => {
    const copy = duplicateOf(source, { id: 'evt_copy', organizerIds: ['usr_me'], newTypeId: () => 'tkt_x' });
    expect([copy.startsAt, copy.endsAt]).toEqual([source.startsAt, source.endsAt]);
  });

  it('when the shift would push a time past the calendar, then it is refused', () => {
    expect(() => duplicateOf(source, { id: 'e', startsAt: '9999-12-31T00:00:00.000Z', organizerIds: [], newTypeId: () => 't' })).toThrow(
      AppError,
    );
  });

  it('when the caller already organizes the source, then they are listed once, first', () => {
    expect(organizersOfCopy('usr_co', source)).toEqual(['usr_co', 'usr_owner']);
  });
});
