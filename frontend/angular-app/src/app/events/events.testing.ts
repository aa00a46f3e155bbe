import { EventPage, EventSummary } from './event.model';

let sequence = 0;

/** A published event with plausible values; pass only the fields a test cares about. */
export function anEvent(overrides: Partial<EventSummary> = {}): EventSummary {
  sequence += 1;
  return {
    id: `evt_test${sequence}`,
    title: `Test event ${sequence}`,
    description: 'An event made for a test.',
    descriptionHtml: '<p>An event made for a test.</p>',
    registrationOpensAt: null,
    registrationClosesAt: null,
    questions: [],
    registrationMode: 'open',
    availability: {
      capacity: 50,
      confirmed: 0,
      seatsLeft: 50,
      waitlisted: 0,
      ticketTypes: [
        { id: 'tkt_general', capacity: 50, confirmed: 0, seatsLeft: 50, waitlisted: 0 },
      ],
    },
    startsAt: '2030-03-10T08:00:00.000Z',
    endsAt: '2030-03-10T10:00:00.000Z',
    timeZone: 'Europe/Paris',
    venue: 'Main hall',
    onlineUrl: null,
    capacity: 50,
    overallCapacity: null,
    ticketTypes: [
      {
        id: 'tkt_general',
        name: 'General admission',
        description: null,
        capacity: 50,
        hidden: false,
        accessCodeRequired: false,
        salesStart: null,
        salesEnd: null,
      },
    ],
    visibility: 'public',
    tags: [],
    status: 'published',
    organizerIds: ['usr_test'],
    createdAt: '2030-01-01T00:00:00.000Z',
    publishedAt: '2030-01-02T00:00:00.000Z',
    ...overrides,
  };
}

export function aPage(items: readonly EventSummary[], nextCursor: string | null = null): EventPage {
  return { items: [...items], nextCursor };
}
