import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  TestRequest,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { EventDto } from '@secureevent/contracts';

import { Attendee } from '../events.api';
import { anEvent } from '../events.testing';
import { EventOrganizerPanel } from './event-organizer-panel';

function anAttendee(overrides: Partial<Attendee> = {}): Attendee {
  return {
    id: 'reg_attendee',
    eventId: 'evt_panel',
    userId: 'usr_attendee',
    status: 'confirmed',
    ticketTypeId: 'tkt_general',
    answers: {},
    createdAt: '2030-01-03T00:00:00.000Z',
    checkedInAt: null,
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    ...overrides,
  };
}

const forbidden = {
  body: {
    title: 'Forbidden',
    status: 403,
    code: 'FORBIDDEN',
    detail: 'Only the event’s organizers may do this.',
  },
  init: {
    status: 403,
    statusText: 'Forbidden',
    headers: { 'Content-Type': 'application/problem+json' },
  },
};

describe('EventOrganizerPanel', () => {
  let fixture: ComponentFixture<EventOrganizerPanel>;
  let http: HttpTestingController;
  let emitted: EventDto[];

  const page = () => fixture.nativeElement as HTMLElement;
  const button = (text: string) =>
    [...page().querySelectorAll('button')].find((b) => b.textContent?.includes(text));
  // The panel awaits the response in an async handler: let that resume, then render.
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const attendeesRequest = (eventId: string): TestRequest =>
    http.expectOne((r) => r.method === 'GET' && r.url === `/api/events/${eventId}/registrations`);

  /** Shows the panel for `event`; the first attendee page is left to the test. */
  async function show(event: EventDto): Promise<void> {
    fixture = TestBed.createComponent(EventOrganizerPanel);
    fixture.componentRef.setInput('event', event);
    emitted = [];
    fixture.componentInstance.eventChange.subscribe((changed) => emitted.push(changed));
    await fixture.whenStable();
    // The co-organizer picker asks for the organizers' names (its own spec covers it).
    for (const names of http.match((r) => r.url === '/api/users/search'))
      names.flush({ items: [] });
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [EventOrganizerPanel],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('when the panel opens, then each attendee is a row with status, answers and check-in', async () => {
    const event = anEvent({
      id: 'evt_panel',
      title: 'Incident review',
      questions: [{ id: 'team', label: 'Team', type: 'text', required: false }],
    });
    await show(event);

    const request = attendeesRequest(event.id);
    expect(request.request.params.get('limit')).toBe('100');
    request.flush({
      items: [
        anAttendee({ id: 'reg_1', answers: { team: 'Blue' }, checkedInAt: '2030-03-10T08:05:00Z' }),
        anAttendee({
          id: 'reg_2',
          displayName: null,
          userId: 'usr_nameless',
          email: 'x@example.com',
          status: 'waitlisted',
          waitlistPosition: 3,
        }),
      ],
      nextCursor: null,
    });
    await fixture.whenStable();

    const rows = [...page().querySelectorAll('[data-testid="attendees"] tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim()),
    );
    expect(rows).toEqual([
      ['Ada Lovelace', 'ada@example.com', 'confirmed', 'Team: Blue', 'yes'],
      ['usr_nameless', 'x@example.com', 'waitlisted (#3)', '', 'no'],
    ]);
    expect(button('Load more attendees')).toBeUndefined();
  });

  it('when there are more attendees, then the next page is fetched with the cursor and appended', async () => {
    const event = anEvent({ id: 'evt_panel' });
    await show(event);
    attendeesRequest(event.id).flush({
      items: [anAttendee({ id: 'reg_1', displayName: 'First' })],
      nextCursor: 'cursor-2',
    });
    await fixture.whenStable();

    button('Load more attendees')!.click();
    const next = attendeesRequest(event.id);
    expect(next.request.params.get('cursor')).toBe('cursor-2');
    next.flush({ items: [anAttendee({ id: 'reg_2', displayName: 'Second' })], nextCursor: null });
    await fixture.whenStable();

    const names = [...page().querySelectorAll('[data-testid="attendees"] tbody tr td:first-child')];
    expect(names.map((cell) => cell.textContent?.trim())).toEqual(['First', 'Second']);
    expect(button('Load more attendees')).toBeUndefined();
  });

  it('when nobody has registered, then it says so instead of an empty table', async () => {
    const event = anEvent({ id: 'evt_panel' });
    await show(event);
    attendeesRequest(event.id).flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    expect(page().querySelector('[data-testid="attendees"]')).toBeNull();
    expect(page().textContent).toContain('Nobody has registered yet.');
  });

  it('when the attendee list is refused, then the reason is shown in words', async () => {
    const event = anEvent({ id: 'evt_panel' });
    await show(event);
    attendeesRequest(event.id).flush(forbidden.body, forbidden.init);
    await fixture.whenStable();

    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'Only the event’s organizers may do this.',
    );
    expect(page().querySelector('[data-testid="attendees"]')).toBeNull();
  });

  it('when a draft is published, then the API is asked and the published event goes to the page', async () => {
    const draft = anEvent({ id: 'evt_panel', status: 'draft', publishedAt: null });
    await show(draft);
    attendeesRequest(draft.id).flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    button('Publish')!.click();
    const request = http.expectOne(`/api/events/${draft.id}/publish`);
    expect(request.request.method).toBe('POST');
    const published = { ...draft, status: 'published' as const };
    request.flush(published);
    await settle();

    expect(emitted).toEqual([published]);
    expect(page().querySelector('[data-testid="organizer-error"]')).toBeNull();
  });

  it('when publishing is refused, then the reason is shown and the page is not told of a change', async () => {
    const draft = anEvent({ id: 'evt_panel', status: 'draft', publishedAt: null });
    await show(draft);
    attendeesRequest(draft.id).flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    button('Publish')!.click();
    http.expectOne(`/api/events/${draft.id}/publish`).flush(forbidden.body, forbidden.init);
    await settle();

    expect(page().querySelector('[data-testid="organizer-error"]')?.textContent).toContain(
      'Only the event’s organizers may do this.',
    );
    expect(emitted).toEqual([]);
  });

  it('when the organizer cancels the event, then it asks first and only then calls the API', async () => {
    const event = anEvent({ id: 'evt_panel' });
    await show(event);
    attendeesRequest(event.id).flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    button('Cancel event')!.click();
    await fixture.whenStable();
    http.expectNone(`/api/events/${event.id}/cancel`);
    expect(page().textContent).toContain('Cancel the event and release every registration?');

    button('Yes, cancel the event')!.click();
    const request = http.expectOne(`/api/events/${event.id}/cancel`);
    expect(request.request.method).toBe('POST');
    const cancelled = { ...event, status: 'cancelled' as const };
    request.flush(cancelled);
    await settle();

    expect(emitted).toEqual([cancelled]);
  });

  it('when the live availability changes, then the attendee list is loaded again', async () => {
    const event = anEvent({ id: 'evt_panel' });
    await show(event);
    attendeesRequest(event.id).flush({ items: [], nextCursor: null });
    await fixture.whenStable();

    fixture.componentRef.setInput('event', {
      ...event,
      availability: { ...event.availability, confirmed: 1, seatsLeft: 49 },
    });
    await fixture.whenStable();
    attendeesRequest(event.id).flush({ items: [anAttendee()], nextCursor: null });
    await fixture.whenStable();

    expect(page().querySelectorAll('[data-testid="attendees"] tbody tr')).toHaveLength(1);
  });
});
