import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { FakeWebSocket, provideFakeWebSocket } from '../realtime/realtime.testing';

import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { EventListPage } from './event-list.page';
import { aPage, anEvent } from './events.testing';

describe('EventListPage', () => {
  let fixture: ComponentFixture<EventListPage>;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [EventListPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideFakeWebSocket(),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Paris' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(EventListPage);
  });

  afterEach(() => http.verify());

  function page(): HTMLElement {
    return fixture.nativeElement as HTMLElement;
  }

  function cards(): HTMLElement[] {
    return Array.from(page().querySelectorAll<HTMLElement>('[data-testid="event-card"]'));
  }

  async function answerFirstPage(
    body: unknown,
    init?: Parameters<ReturnType<HttpTestingController['expectOne']>['flush']>[1],
  ) {
    await fixture.whenStable();
    const request = http.expectOne({ method: 'GET', url: '/api/events' });
    request.flush(body as object, init);
    await fixture.whenStable();
  }

  it('when the first page is on its way, then a progress bar is shown', async () => {
    await fixture.whenStable();

    expect(page().querySelector('mat-progress-bar')?.getAttribute('aria-label')).toBe(
      'Loading events',
    );
    http.expectOne('/api/events');
  });

  it('when the API returns events, then each is shown as a card with its title, place and tags', async () => {
    await answerFirstPage(
      aPage([
        anEvent({ title: 'Security meetup', venue: 'Room 101', tags: ['security', 'community'] }),
        anEvent({ title: 'Remote workshop', venue: null, onlineUrl: 'https://meet.example/abc' }),
      ]),
    );

    expect(page().querySelector('[data-testid="event-list"]')).not.toBeNull();
    expect(cards()).toHaveLength(2);
    const [meetup, workshop] = cards();
    expect(meetup.querySelector('h2')?.textContent?.trim()).toBe('Security meetup');
    expect(meetup.textContent).toContain('Room 101');
    expect(
      Array.from(meetup.querySelectorAll('.tag-chip')).map((chip) => chip.textContent?.trim()),
    ).toEqual(['security', 'community']);
    expect(workshop.textContent).toContain('Online');
    expect(page().querySelector('mat-progress-bar')).toBeNull();
    expect(page().querySelector('[data-testid="load-more"]')).toBeNull();
  });

  it('when the event is in another zone than the viewer, then its own time is shown too', async () => {
    await answerFirstPage(
      aPage([
        anEvent({
          startsAt: '2030-06-01T16:00:00Z',
          endsAt: '2030-06-01T17:00:00Z',
          timeZone: 'America/New_York',
        }),
      ]),
    );

    const text = cards()[0].textContent ?? '';
    expect(text).toMatch(/6:00\s?–\s?7:00\sPM GMT\+2/);
    expect(text).toMatch(
      /Event time \(America\/New_York\): Sat, Jun 1, 2030, 12:00\s?–\s?1:00\sPM EDT/,
    );
  });

  it('when there are no events, then the empty state is shown', async () => {
    await answerFirstPage(aPage([]));

    expect(page().querySelector('[data-testid="empty-state"]')?.textContent).toContain(
      'No upcoming events match',
    );
    expect(cards()).toHaveLength(0);
  });

  it('when the API answers with a problem, then its detail is shown in an alert', async () => {
    await answerFirstPage(
      {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'Events are being updated. Try again shortly.',
      },
      {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'Content-Type': 'application/problem+json' },
      },
    );

    const alert = page().querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('Events are being updated. Try again shortly.');
    expect(alert?.textContent).not.toContain('{');
    expect(cards()).toHaveLength(0);
  });

  it('when there is a next page, then "Load more" fetches it with the cursor and appends its events', async () => {
    await answerFirstPage(aPage([anEvent({ title: 'First' })], 'cursor_2'));

    const loadMore = page().querySelector<HTMLButtonElement>('[data-testid="load-more"]');
    expect(loadMore?.textContent?.trim()).toBe('Load more');
    loadMore?.click();
    await fixture.whenStable();
    http
      .expectOne(
        (request) => request.url === '/api/events' && request.params.get('cursor') === 'cursor_2',
      )
      .flush(aPage([anEvent({ title: 'Second' })]));
    await fixture.whenStable();

    expect(cards().map((card) => card.querySelector('h2')?.textContent?.trim())).toEqual([
      'First',
      'Second',
    ]);
    expect(page().querySelector('[data-testid="load-more"]')).toBeNull();
  });

  it('when a card is shown, then its seat count follows the event room live', async () => {
    await answerFirstPage(
      aPage([
        anEvent({
          id: 'evt_live',
          availability: { capacity: 3, confirmed: 1, seatsLeft: 2, waitlisted: 0 },
        }),
      ]),
    );
    const socket = FakeWebSocket.latest()!;
    socket.open();
    expect(socket.sent).toContainEqual({ type: 'subscribe', room: 'event:evt_live' });

    socket.receive({
      type: 'availability',
      eventId: 'evt_live',
      availability: { capacity: 3, confirmed: 3, seatsLeft: 0, waitlisted: 1 },
      at: '',
    });
    await fixture.whenStable();

    expect(cards()[0].querySelector('[data-testid="seats-left"]')?.textContent?.trim()).toBe(
      'Full · 1 on the waitlist',
    );
  });
});

describe('EventListPage filters', () => {
  it('when the address carries filters, then they are sent to the API', async () => {
    FakeWebSocket.reset();
    TestBed.configureTestingModule({
      imports: [EventListPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideFakeWebSocket(),
        { provide: VIEWER_TIME_ZONE, useValue: 'UTC' },
      ],
    });
    await TestBed.inject(Router).navigateByUrl(
      '/?q=kubernetes&tag=Community&hasSeats=true&mode=online&from=2030-01-01',
    );
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(EventListPage);
    await fixture.whenStable();

    const request = http.expectOne((r) => r.url === '/api/events');
    expect(request.request.params.get('q')).toBe('kubernetes');
    expect(request.request.params.get('tag')).toBe('community');
    expect(request.request.params.get('hasSeats')).toBe('true');
    expect(request.request.params.get('mode')).toBe('online');
    expect(request.request.params.get('from')).toMatch(/^2030-01-01T/);
    expect(request.request.params.has('to')).toBe(false);
    request.flush(aPage([]));
    http.verify();
  });
});
