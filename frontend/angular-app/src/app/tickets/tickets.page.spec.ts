import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { MyRegistration } from '../events/events.api';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { TicketsPage } from './tickets.page';

function aRegistration(overrides: Partial<MyRegistration>): MyRegistration {
  return {
    id: 'reg_1',
    eventId: 'evt_1',
    userId: 'usr_1',
    status: 'confirmed',
    ticketTypeId: 'tkt_general',
    ticketToken: 'reg_1.signature',
    ticketCode: '7K3M9QXD',
    answers: {},
    createdAt: '2030-01-01T00:00:00Z',
    checkedInAt: null,
    eventTitle: 'Security meetup',
    startsAt: '2030-03-10T08:00:00Z',
    endsAt: '2030-03-10T10:00:00Z',
    timeZone: 'Europe/Paris',
    ...overrides,
  };
}

describe('TicketsPage', () => {
  let fixture: ComponentFixture<TicketsPage>;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [TicketsPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Paris' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TicketsPage);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const page = () => fixture.nativeElement as HTMLElement;

  it('when a ticket is confirmed, then its QR code is fetched and shown with a text alternative and the code', async () => {
    http.expectOne('/api/registrations/mine').flush({
      items: [
        aRegistration({}),
        aRegistration({
          id: 'reg_2',
          status: 'waitlisted',
          waitlistPosition: 3,
          ticketToken: undefined,
          ticketCode: undefined,
          eventTitle: 'Full talk',
        }),
        aRegistration({ id: 'reg_3', status: 'cancelled', eventTitle: 'Dropped' }),
      ],
    });
    await fixture.whenStable();
    const svg = http.expectOne('/api/registrations/reg_1/ticket.svg');
    expect(svg.request.responseType).toBe('text');
    svg.flush('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>');
    await fixture.whenStable();

    const img = page().querySelector<HTMLImageElement>('[data-testid="ticket-qr"]')!;
    expect(img.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(img.alt).toBe('QR code of your ticket for Security meetup');
    expect(page().querySelector('[data-testid="ticket-code"]')?.textContent).toContain(
      'reg_1.signature',
    );
    // The short code for the door, in two groups of four, right under the QR.
    expect(page().querySelector('[data-testid="ticket-short-code"]')?.textContent?.trim()).toBe(
      '7K3M-9QXD',
    );
    const tickets = page().querySelectorAll('[data-testid="ticket"]');
    expect(tickets).toHaveLength(2);
    expect(tickets[1].textContent).toContain('Position 3');
    expect(page().textContent).not.toContain('Dropped');
  });

  it('when there are no registrations, then the empty state points to the events', async () => {
    http.expectOne('/api/registrations/mine').flush({ items: [] });
    await fixture.whenStable();

    expect(page().querySelector('[data-testid="empty-state"]')?.textContent).toContain(
      'no tickets yet',
    );
  });
});
