import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { AuthStore } from '../../auth/auth.store';
import { FakeWebSocket, provideFakeWebSocket } from '../../realtime/realtime.testing';
import { anEvent } from '../events.testing';
import { CheckInPage } from './check-in.page';

describe('CheckInPage', () => {
  let fixture: ComponentFixture<CheckInPage>;
  let http: HttpTestingController;
  const eventId = 'evt_door';
  const token = 'signed.ticket.token.value';

  beforeEach(async () => {
    FakeWebSocket.reset();
    TestBed.configureTestingModule({
      imports: [CheckInPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideFakeWebSocket(),
        {
          provide: AuthStore,
          useValue: { accessToken: () => null, user: () => ({ id: 'usr_me' }) },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CheckInPage);
    fixture.componentRef.setInput('id', eventId);
    await fixture.whenStable();
    http.expectOne(`/api/events/${eventId}`).flush(anEvent({ id: eventId, title: 'Door test' }));
    http.expectOne(`/api/events/${eventId}/checkins/stats`).flush({ checkedIn: 3, confirmed: 10 });
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';
  const result = () =>
    (fixture.nativeElement as HTMLElement).querySelector('[data-testid="checkin-result"]')
      ?.textContent ?? '';

  function submit(code: string) {
    const page = fixture.componentInstance;
    const done = page.checkInTicket(code);
    return { done, request: http.expectOne(`/api/events/${eventId}/checkins`) };
  }

  it('when the page opens, then the live count is shown', () => {
    expect(text()).toContain('3 of 10 checked in');
  });

  it('when a valid ticket is checked in, then "Valid ticket" is shown and the count goes up', async () => {
    const { done, request } = submit(token);
    expect(request.request.body).toEqual({ ticketToken: token });
    request.flush({
      registrationId: 'reg_1',
      userId: 'usr_x',
      checkedInAt: '2030-03-10T08:05:00Z',
      checkedInBy: 'usr_me',
      checkedIn: 4,
      attendee: {
        displayName: 'Ada Lovelace',
        email: 'ada@example.test',
        ticketCode: '7K3M9QXD',
        ticketType: 'Speaker',
      },
    });
    await done;
    await fixture.whenStable();

    expect(result()).toContain('Valid ticket');
    expect(result()).toContain('Ada Lovelace');
    expect(result()).toContain('7K3M-9QXD');
    expect(result()).toContain('Speaker');
    expect(text()).toContain('4 of 10 checked in');
  });

  it('when a colleague checked the ticket in, then their name is shown, not their id', async () => {
    const { done, request } = submit(token);
    request.flush(
      {
        title: 'Conflict',
        status: 409,
        code: 'ALREADY_CHECKED_IN',
        checkedInAt: '2030-03-10T08:05:00.000Z',
        checkedInBy: 'usr_colleague',
        checkedInByName: 'Grace Hopper',
        attendee: {
          displayName: 'Ada Lovelace',
          email: null,
          ticketCode: '7K3M9QXD',
          ticketType: null,
        },
      },
      { status: 409, statusText: 'Conflict' },
    );
    await done;
    await fixture.whenStable();

    expect(result()).toContain('by Grace Hopper');
    expect(result()).toContain('Ada Lovelace');
    expect(result()).not.toContain('usr_colleague');
  });

  it('when the ticket was already used, then when and by whom are shown', async () => {
    const { done, request } = submit(token);
    request.flush(
      {
        title: 'Conflict',
        status: 409,
        code: 'ALREADY_CHECKED_IN',
        detail: 'This ticket was already checked in at 2030-03-10T08:05:00.000Z.',
        checkedInAt: '2030-03-10T08:05:00.000Z',
        checkedInBy: 'usr_me',
      },
      { status: 409, statusText: 'Conflict' },
    );
    await done;
    await fixture.whenStable();

    expect(result()).toContain('Already checked in');
    expect(result()).toMatch(/2030/);
    expect(result()).toContain('by you');
  });

  it('when the code is not a ticket of this event, then "Invalid ticket" is shown with the reason', async () => {
    const { done, request } = submit(token);
    request.flush(
      {
        title: 'Bad Request',
        status: 400,
        code: 'INVALID_TICKET',
        detail: 'This is not a valid ticket for this event.',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await done;
    await fixture.whenStable();

    expect(result()).toContain('Invalid ticket');
    expect(result()).toContain('This is not a valid ticket for this event.');
    expect(text()).toContain('3 of 10 checked in');
  });

  it('when another door checks someone in, then the count follows live', async () => {
    const socket = FakeWebSocket.latest()!;
    socket.open();
    socket.receive({ type: 'checkins', eventId, checkedIn: 7, at: '' });
    await fixture.whenStable();

    expect(text()).toContain('7 of 10 checked in');
  });
});
