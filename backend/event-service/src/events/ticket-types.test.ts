import { describe, expect, it } from 'vitest';
import type { AppError } from '@secureevent/shared';
import type { EventDto, TicketType } from '@secureevent/contracts';
import { effectiveCapacity, GENERAL_ADMISSION, planTicketTypeChanges, ticketTypesForNewEvent, withoutHiddenTypes } from './ticket-types.js';

const fail = (fn: () => unknown): { code: string; fields: string[] } => {
  try {
    fn();
  } catch (err) {
    const e = err as AppError;
    return { code: e.code, fields: e.extra.errors?.map((f) => f.field) ?? [] };
  }
  return { code: 'no error', fields: [] };
};

let n = 0;
const newId = () => `tkt_${String((n += 1)).padStart(25, '0')}`;
const input = (name: string, capacity: number, extra: Partial<TicketType> = {}) => ({
  name,
  description: null,
  capacity,
  hidden: false,
  accessCodeRequired: false,
  salesStart: null,
  salesEnd: null,
  ...extra,
});
const stored = (id: string, capacity: number, extra: Partial<TicketType> = {}): TicketType => ({ id, ...input(id, capacity, extra) });

/** An event's ticket type fields with these types and confirmed/waitlisted counts. */
function eventWith(
  types: { type: TicketType; confirmed: number; waitlisted?: number }[],
  overallCapacity: number | null = null,
): Pick<EventDto, 'ticketTypes' | 'overallCapacity' | 'availability'> {
  const capacity = effectiveCapacity(
    overallCapacity,
    types.map((t) => t.type),
  );
  const confirmed = types.reduce((s, t) => s + t.confirmed, 0);
  return {
    ticketTypes: types.map((t) => t.type),
    overallCapacity,
    availability: {
      capacity,
      confirmed,
      seatsLeft: capacity - confirmed,
      waitlisted: types.reduce((s, t) => s + (t.waitlisted ?? 0), 0),
      ticketTypes: types.map((t) => ({
        id: t.type.id,
        capacity: t.type.capacity,
        confirmed: t.confirmed,
        seatsLeft: t.type.capacity - t.confirmed,
        waitlisted: t.waitlisted ?? 0,
      })),
    },
  };
}

describe('a new event’s ticket types', () => {
  it('when it is created with a capacity only, then it offers one "General admission" type of that size and no overall limit', () => {
    const plan = ticketTypesForNewEvent({ capacity: 40 }, newId);
    expect(plan.types).toHaveLength(1);
    expect(plan.types[0]).toMatchObject({ name: GENERAL_ADMISSION, capacity: 40, hidden: false });
    expect(plan).toMatchObject({ capacity: 40, overallCapacity: null });
  });

  it('when it is created with types and an overall capacity, then the enforced total is the smaller of it and their sum', () => {
    expect(ticketTypesForNewEvent({ capacity: 50, ticketTypes: [input('A', 30), input('B', 30)] }, newId)).toMatchObject({
      capacity: 50,
      overallCapacity: 50,
    });
    expect(ticketTypesForNewEvent({ capacity: 100, ticketTypes: [input('A', 30), input('B', 30)] }, newId).capacity).toBe(60);
    expect(ticketTypesForNewEvent({ ticketTypes: [input('A', 30)] }, newId)).toMatchObject({ capacity: 30, overallCapacity: null });
  });
});

describe('editing ticket types', () => {
  const a = stored('tkt_aaaaaaaaaaaaaaaaaaaaaaaaa', 10);
  const b = stored('tkt_bbbbbbbbbbbbbbbbbbbbbbbbb', 5);

  it('when neither capacity nor types are sent, then there is nothing to plan', () => {
    expect(planTicketTypeChanges(eventWith([{ type: a, confirmed: 3 }]), {}, newId)).toBeUndefined();
  });

  it('when a type’s capacity drops below its confirmed count, then VALIDATION_FAILED names it; down to it is allowed', () => {
    const event = eventWith([
      { type: a, confirmed: 3 },
      { type: b, confirmed: 4 },
    ]);
    expect(fail(() => planTicketTypeChanges(event, { ticketTypes: [a, { ...b, capacity: 3 }] }, newId))).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['body.ticketTypes.1.capacity'],
    });
    expect(planTicketTypeChanges(event, { ticketTypes: [a, { ...b, capacity: 4 }] }, newId)?.capacity).toBe(14);
  });

  it('when the overall capacity drops below the event’s confirmed count, then VALIDATION_FAILED on body.capacity', () => {
    const event = eventWith(
      [
        { type: a, confirmed: 3 },
        { type: b, confirmed: 4 },
      ],
      12,
    );
    expect(fail(() => planTicketTypeChanges(event, { capacity: 6 }, newId))).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['body.capacity'],
    });
    expect(planTicketTypeChanges(event, { capacity: 7 }, newId)).toMatchObject({ overallCapacity: 7, capacity: 7 });
  });

  it('when a type people hold registrations for is left out, then CONFLICT; an empty one may go', () => {
    const event = eventWith([
      { type: a, confirmed: 0, waitlisted: 1 },
      { type: b, confirmed: 0 },
    ]);
    expect(fail(() => planTicketTypeChanges(event, { ticketTypes: [b] }, newId)).code).toBe('CONFLICT');
    expect(planTicketTypeChanges(event, { ticketTypes: [a] }, newId)?.removed).toEqual([b.id]);
  });

  it('when a type is sent with an id the event does not have, then VALIDATION_FAILED on its id', () => {
    const event = eventWith([{ type: a, confirmed: 0 }]);
    const foreign = stored('tkt_zzzzzzzzzzzzzzzzzzzzzzzzz', 2);
    expect(fail(() => planTicketTypeChanges(event, { ticketTypes: [a, foreign] }, newId)).fields).toEqual(['body.ticketTypes.1.id']);
  });

  it('when a type is sent without an id, then it is new, with a fresh id, in the order sent', () => {
    const plan = planTicketTypeChanges(eventWith([{ type: a, confirmed: 2 }]), { ticketTypes: [input('Crew', 4), a] }, newId)!;
    expect(plan.types.map((t) => t.name)).toEqual(['Crew', a.name]);
    expect(plan.types[0]!.id).toMatch(/^tkt_/);
    expect(plan.capacity).toBe(14);
  });

  it('when an event with several types gets a capacity, then it becomes the overall limit and the types stay', () => {
    const plan = planTicketTypeChanges(
      eventWith([
        { type: a, confirmed: 0 },
        { type: b, confirmed: 0 },
      ]),
      { capacity: 12 },
      newId,
    )!;
    expect(plan).toMatchObject({ overallCapacity: 12, capacity: 12 });
    expect(plan.types.map((t) => t.capacity)).toEqual([10, 5]);
  });
});

describe('hidden ticket types', () => {
  it('when someone who does not manage the event looks, then hidden types and their counts are left out', () => {
    const shown = stored('tkt_aaaaaaaaaaaaaaaaaaaaaaaaa', 10);
    const hidden = stored('tkt_hhhhhhhhhhhhhhhhhhhhhhhhh', 2, { hidden: true });
    const event = {
      ...eventWith([
        { type: shown, confirmed: 1 },
        { type: hidden, confirmed: 1 },
      ]),
    } as EventDto;
    const seen = withoutHiddenTypes(event);
    expect(seen.ticketTypes.map((t) => t.id)).toEqual([shown.id]);
    expect(seen.availability.ticketTypes?.map((t) => t.id)).toEqual([shown.id]);
  });
});
