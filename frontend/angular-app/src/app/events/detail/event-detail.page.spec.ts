import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { AuthStore } from '../../auth/auth.store';
import { FakeWebSocket, provideFakeWebSocket } from '../../realtime/realtime.testing';
import { VIEWER_TIME_ZONE } from '../../time/viewer-time-zone';
import type { EventDto } from '@secureevent/contracts';

import { MyRegistration } from '../events.api';
import { anEvent } from '../events.testing';
import { EventDetailPage } from './event-detail.page';

describe('EventDetailPage', () => {
  let fixture: ComponentFixture<EventDetailPage>;
  let http: HttpTestingController;
  const signedIn = signal(true);
  const event = anEvent({
    id: 'evt_detail',
    title: 'Threat modelling day',
    descriptionHtml: '<p>Bring <strong>coffee</strong></p><img src="x" onerror="alert(1)">',
    questions: [
      { id: 'team', label: 'Your team', type: 'text', required: true },
      { id: 'vegan', label: 'Vegan lunch', type: 'checkbox', required: false },
    ],
    availability: { capacity: 20, confirmed: 18, seatsLeft: 2, waitlisted: 0 },
  });

  beforeEach(() => {
    FakeWebSocket.reset();
    signedIn.set(true);
    TestBed.configureTestingModule({
      imports: [EventDetailPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideFakeWebSocket(),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Paris' },
        {
          provide: AuthStore,
          useValue: {
            accessToken: () => null,
            isSignedIn: signedIn,
            user: () => ({ id: 'usr_viewer', roles: ['attendee'] }),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  /** Opens the page; `registration` is what the API says of the viewer's one (none: 404). */
  async function open(registration: MyRegistration | null = null, shown = event) {
    fixture = TestBed.createComponent(EventDetailPage);
    fixture.componentRef.setInput('id', event.id);
    await fixture.whenStable();
    http.expectOne(`/api/events/${event.id}`).flush(shown);
    const mine = http.expectOne(`/api/events/${event.id}/registration`);
    if (registration === null) {
      mine.flush(
        { title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'No registration.' },
        { status: 404, statusText: 'Not Found' },
      );
    } else {
      mine.flush(registration);
    }
    await fixture.whenStable();
  }

  function aRegistration(overrides: Partial<MyRegistration> = {}): MyRegistration {
    return {
      id: 'reg_mine',
      eventId: event.id,
      userId: 'usr_viewer',
      status: 'confirmed',
      ticketTypeId: 'tkt_general',
      answers: {},
      createdAt: '2030-01-03T00:00:00.000Z',
      checkedInAt: null,
      eventTitle: event.title,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timeZone: event.timeZone,
      ...overrides,
    };
  }

  const page = () => fixture.nativeElement as HTMLElement;
  // The page awaits the response in an async handler: let that resume, then render.
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };

  describe('when the viewer has no registration', () => {
    beforeEach(() => open());

    it('when the event is shown, then the browser tab is named after it', () => {
      expect(document.title).toBe('Threat modelling day · SecureEvent');
    });

    it('when the event is shown, then its description HTML is rendered without handlers', () => {
      const description = page().querySelector('section.description')!;

      expect(description.querySelector('strong')?.textContent).toBe('coffee');
      expect(description.innerHTML).not.toContain('onerror');
    });

    it('when a seat is taken elsewhere, then the availability changes live', async () => {
      expect(page().querySelector('[data-testid="seats-left"]')?.textContent).toBe('2 seats left');

      const socket = FakeWebSocket.latest()!;
      socket.open();
      socket.receive({
        type: 'availability',
        eventId: event.id,
        availability: { capacity: 20, confirmed: 19, seatsLeft: 1, waitlisted: 0 },
        at: '',
      });
      await fixture.whenStable();

      expect(page().querySelector('[data-testid="seats-left"]')?.textContent).toBe('1 seat left');
    });

    it('when a required answer is missing, then nothing is sent and the field says why', async () => {
      page().querySelector<HTMLButtonElement>('[data-testid="register-button"]')!.click();
      await fixture.whenStable();

      expect(page().textContent).toContain('Your team is required.');
      http.expectNone(`/api/events/${event.id}/registrations`);
    });

    it('when the person registers with answers, then they are sent with an idempotency key and the confirmation is shown', async () => {
      const input = page().querySelector<HTMLInputElement>('input[matinput]')!;
      input.value = 'Blue team';
      input.dispatchEvent(new Event('input'));
      page().querySelector<HTMLButtonElement>('[data-testid="register-button"]')!.click();
      await fixture.whenStable();

      const request = http.expectOne(`/api/events/${event.id}/registrations`);
      expect(request.request.body).toEqual({ answers: { team: 'Blue team', vegan: false } });
      expect(request.request.headers.get('Idempotency-Key')).toMatch(/^[A-Za-z0-9_-]{8,100}$/);
      request.flush({
        id: 'reg_1',
        eventId: event.id,
        userId: 'usr_viewer',
        status: 'waitlisted',
        waitlistPosition: 2,
        answers: {},
        createdAt: '',
        checkedInAt: null,
      });
      await settle();

      expect(page().querySelector('[data-testid="registration-notice"]')?.textContent).toContain(
        'waitlist (position 2)',
      );
      expect(page().querySelector('[data-testid="registration-status"]')?.textContent).toContain(
        'position 2',
      );
    });

    it('when the API refuses an answer, then its message is shown in words', async () => {
      const input = page().querySelector<HTMLInputElement>('input[matinput]')!;
      input.value = 'x';
      input.dispatchEvent(new Event('input'));
      page().querySelector<HTMLButtonElement>('[data-testid="register-button"]')!.click();
      await fixture.whenStable();

      http.expectOne(`/api/events/${event.id}/registrations`).flush(
        {
          title: 'Bad Request',
          status: 400,
          code: 'VALIDATION_FAILED',
          detail: 'Some answers are missing or invalid.',
          errors: [{ field: 'body.answers.team', message: 'is too short' }],
        },
        { status: 400, statusText: 'Bad Request' },
      );
      await settle();

      expect(page().querySelector('[data-testid="registration-error"]')?.textContent).toContain(
        'Some answers are missing or invalid.',
      );
      expect(page().textContent).toContain('Your team is too short');
    });
  });

  describe('when the viewer already has a registration', () => {
    it('when the page opens, then only the registration for this event is asked for, not every one of theirs', async () => {
      await open(aRegistration());

      // afterEach's verify() fails on any other request, such as GET /api/registrations/mine.
      expect(page().querySelector('[data-testid="registration-status"]')?.textContent).toContain(
        'You are registered.',
      );
      expect(page().querySelector('[data-testid="register-button"]')).toBeNull();
    });

    it('when they cancel it, then the registration is cancelled and they may register again', async () => {
      await open(aRegistration({ id: 'reg_to_cancel' }));

      const cancel = [...page().querySelectorAll('button')].find((b) =>
        b.textContent?.includes('Cancel my registration'),
      )!;
      cancel.click();
      await fixture.whenStable();
      const request = http.expectOne('/api/registrations/reg_to_cancel');
      expect(request.request.method).toBe('DELETE');
      request.flush(aRegistration({ id: 'reg_to_cancel', status: 'cancelled' }));
      await settle();

      expect(page().querySelector('[data-testid="registration-notice"]')?.textContent).toContain(
        'Your registration is cancelled.',
      );
      expect(page().querySelector('[data-testid="register-button"]')).not.toBeNull();
    });

    it('when the one the API answers was cancelled earlier, then the register form is offered', async () => {
      await open(aRegistration({ status: 'cancelled' }));

      expect(page().querySelector('[data-testid="registration-status"]')).toBeNull();
      expect(page().querySelector('[data-testid="register-button"]')?.textContent).toContain(
        'Register',
      );
    });
  });

  describe('when the event offers several ticket types', () => {
    const type = (
      id: string,
      name: string,
      extra: Partial<EventDto['ticketTypes'][number]> = {},
    ) => ({
      id,
      name,
      description: null,
      capacity: 10,
      hidden: false,
      accessCodeRequired: false,
      salesStart: null,
      salesEnd: null,
      ...extra,
    });
    const typed: EventDto = {
      ...event,
      questions: [],
      ticketTypes: [
        type('tkt_std', 'Standard'),
        type('tkt_stu', 'Student'),
        type('tkt_spk', 'Speaker', { hidden: true }),
      ],
      availability: {
        capacity: 20,
        confirmed: 11,
        seatsLeft: 9,
        waitlisted: 1,
        ticketTypes: [
          { id: 'tkt_std', capacity: 10, confirmed: 1, seatsLeft: 9, waitlisted: 0 },
          { id: 'tkt_stu', capacity: 10, confirmed: 10, seatsLeft: 0, waitlisted: 1 },
          { id: 'tkt_spk', capacity: 10, confirmed: 0, seatsLeft: 9, waitlisted: 0 },
        ],
      },
    };
    beforeEach(() => open(null, typed));

    it('when the page shows, then each type but hidden ones is offered with its own seats left', () => {
      const options = [
        ...page().querySelectorAll('[data-testid="ticket-types"] mat-radio-button'),
      ].map((o) => o.textContent?.replace(/\s+/g, ' ').trim());
      expect(options).toEqual(['Standard · 9 seats left', 'Student · Full · 1 on the waitlist']);
    });

    it('when no type is picked, then nothing is sent and the picker says so; once picked, its id is sent', async () => {
      page().querySelector<HTMLButtonElement>('[data-testid="register-button"]')!.click();
      await fixture.whenStable();
      http.expectNone(`/api/events/${event.id}/registrations`);
      expect(page().textContent).toContain('Choose a ticket type.');

      page()
        .querySelectorAll<HTMLInputElement>('[data-testid="ticket-types"] input[type="radio"]')[1]
        .click();
      await fixture.whenStable();
      expect(page().querySelector('[data-testid="register-button"]')?.textContent).toContain(
        'Join the waitlist',
      );
      page().querySelector<HTMLButtonElement>('[data-testid="register-button"]')!.click();
      await fixture.whenStable();
      const request = http.expectOne(`/api/events/${event.id}/registrations`);
      expect(request.request.body).toEqual({ answers: {}, ticketTypeId: 'tkt_stu' });
      request.flush(
        aRegistration({ status: 'waitlisted', waitlistPosition: 2, ticketTypeId: 'tkt_stu' }),
      );
      await settle();
      expect(
        page().querySelector('[data-testid="registration-ticket-type"]')?.textContent?.trim(),
      ).toBe('Ticket type: Student');
    });
  });
});
