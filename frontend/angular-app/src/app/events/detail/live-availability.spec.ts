import type { Availability } from '@secureevent/contracts';

import { mergeAvailability } from './live-availability';

const counts = (id: string, confirmed: number) => ({
  id,
  capacity: 10,
  confirmed,
  seatsLeft: 10 - confirmed,
  waitlisted: 0,
});

describe('mergeAvailability', () => {
  const current: Availability = {
    capacity: 30,
    confirmed: 3,
    seatsLeft: 27,
    waitlisted: 0,
    ticketTypes: [counts('tkt_a', 1), counts('tkt_hidden', 2)],
  };

  it('when a frame leaves a hidden type out, then its row stays with the counts loaded, in place', () => {
    const pushed: Availability = {
      capacity: 30,
      confirmed: 4,
      seatsLeft: 26,
      waitlisted: 0,
      ticketTypes: [counts('tkt_a', 2)],
    };
    expect(mergeAvailability(current, pushed)).toEqual({
      ...pushed,
      ticketTypes: [counts('tkt_a', 2), counts('tkt_hidden', 2)],
    });
  });

  it('when a frame carries every type, then it is shown as pushed; a new type is added at the end', () => {
    const pushed: Availability = {
      ...current,
      ticketTypes: [counts('tkt_hidden', 5), counts('tkt_a', 1), counts('tkt_new', 0)],
    };
    expect(mergeAvailability(current, pushed).ticketTypes).toEqual([
      counts('tkt_a', 1),
      counts('tkt_hidden', 5),
      counts('tkt_new', 0),
    ]);
  });

  it('when a frame has no per-type counts, then it replaces the availability', () => {
    const pushed: Availability = { capacity: 30, confirmed: 9, seatsLeft: 21, waitlisted: 0 };
    expect(mergeAvailability(current, pushed)).toEqual(pushed);
  });
});
