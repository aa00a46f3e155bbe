import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { AuthStore } from '../auth/auth.store';
import { anEvent } from '../events/events.testing';
import { UnreadCountStore } from '../notifications/unread-count.store';
import { FakeWebSocket, provideFakeWebSocket } from '../realtime/realtime.testing';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { DashboardPage } from './dashboard.page';

describe('DashboardPage', () => {
  function setUp(roles: string[]) {
    FakeWebSocket.reset();
    TestBed.configureTestingModule({
      imports: [DashboardPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        provideFakeWebSocket(),
        { provide: VIEWER_TIME_ZONE, useValue: 'UTC' },
        { provide: UnreadCountStore, useValue: { unread: signal(2) } },
        {
          provide: AuthStore,
          useValue: {
            accessToken: () => null,
            user: () => ({ id: 'usr_me', displayName: 'Grace', roles }),
            isOrganizer: () => roles.includes('organizer') || roles.includes('admin'),
            isAdmin: () => roles.includes('admin'),
          },
        },
      ],
    });
    return TestBed.inject(HttpTestingController);
  }

  const future = new Date(Date.now() + 86_400_000).toISOString();
  const later = new Date(Date.now() + 90_000_000).toISOString();

  it('when an attendee opens it, then their upcoming registrations show with status and no organizer section', async () => {
    const http = setUp(['attendee']);
    const fixture = TestBed.createComponent(DashboardPage);
    await fixture.whenStable();
    http.expectOne('/api/registrations/mine').flush({
      items: [
        {
          id: 'reg_1',
          eventId: 'evt_1',
          status: 'waitlisted',
          waitlistPosition: 2,
          eventTitle: 'Meetup',
          startsAt: future,
          endsAt: later,
          timeZone: 'UTC',
        },
        {
          id: 'reg_2',
          eventId: 'evt_2',
          status: 'cancelled',
          eventTitle: 'Dropped',
          startsAt: future,
          endsAt: later,
          timeZone: 'UTC',
        },
      ],
    });
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;

    expect(page.querySelector('[data-testid="my-registrations"]')?.textContent).toContain(
      'Waitlist #2',
    );
    expect(page.textContent).not.toContain('Dropped');
    expect(page.textContent).toContain('You have 2 unread notifications.');
    expect(page.querySelector('[data-testid="new-event"]')).toBeNull();
    http.expectNone('/api/events/mine');
    http.verify();
  });

  it('when an organizer opens it, then each of their events shows live seats and check-in progress', async () => {
    const http = setUp(['attendee', 'organizer']);
    const fixture = TestBed.createComponent(DashboardPage);
    await fixture.whenStable();
    http.expectOne('/api/registrations/mine').flush({ items: [] });
    http.expectOne('/api/events/mine').flush({
      items: [
        anEvent({
          id: 'evt_org',
          title: 'Summit',
          availability: { capacity: 10, confirmed: 4, seatsLeft: 6, waitlisted: 0 },
        }),
      ],
    });
    await fixture.whenStable();
    http.expectOne('/api/events/evt_org/checkins/stats').flush({ checkedIn: 1, confirmed: 4 });
    await fixture.whenStable();
    const row = () =>
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="organizer-event"]')!;
    expect(row().textContent).toContain('6 seats left');
    expect(row().textContent).toContain('1 of 4 checked in');

    const socket = FakeWebSocket.latest()!;
    socket.open();
    socket.receive({ type: 'checkins', eventId: 'evt_org', checkedIn: 3, at: '' });
    socket.receive({
      type: 'availability',
      eventId: 'evt_org',
      availability: { capacity: 10, confirmed: 5, seatsLeft: 5, waitlisted: 0 },
      at: '',
    });
    await fixture.whenStable();

    expect(row().textContent).toContain('5 seats left');
    expect(row().textContent).toContain('3 of 5 checked in');
    http.verify();
  });

  describe('first run', () => {
    async function openWithNothing(roles: string[]) {
      const http = setUp(roles);
      const fixture = TestBed.createComponent(DashboardPage);
      await fixture.whenStable();
      http.expectOne('/api/registrations/mine').flush({ items: [] });
      if (roles.includes('organizer') || roles.includes('admin')) {
        http.expectOne('/api/events/mine').flush({ items: [] });
      }
      await fixture.whenStable();
      http.verify();
      return fixture.nativeElement as HTMLElement;
    }

    it('when a new admin opens it, then they are told to make someone an organizer, with a link to the users page', async () => {
      const page = await openWithNothing(['attendee', 'admin']);

      const hint = page.querySelector('[data-testid="empty-admin"]');
      expect(hint?.textContent).toContain('Make someone an organizer');
      expect(hint?.querySelector('a')?.getAttribute('href')).toBe('/admin');
      expect(page.querySelector('[data-testid="empty-organizer"]')).toBeNull();
    });

    it('when an organizer with no events opens it, then they are offered to create their first event', async () => {
      const page = await openWithNothing(['attendee', 'organizer']);

      const hint = page.querySelector('[data-testid="empty-organizer"]');
      expect(hint?.textContent).toContain('Create your first event');
      expect(hint?.querySelector('a')?.getAttribute('href')).toBe('/events/new');
      expect(page.querySelector('[data-testid="empty-admin"]')).toBeNull();
    });

    it('when an attendee with no registrations opens it, then it says no upcoming events yet and links to the events', async () => {
      const page = await openWithNothing(['attendee']);

      const hint = page.querySelector('[data-testid="empty-attendee"]');
      expect(hint?.textContent).toContain('No upcoming events yet');
      expect(hint?.querySelector('a')?.getAttribute('href')).toBe('/events');
      expect(page.querySelector('[data-testid="empty-organizer"]')).toBeNull();
      expect(page.querySelector('[data-testid="empty-admin"]')).toBeNull();
    });
  });
});
