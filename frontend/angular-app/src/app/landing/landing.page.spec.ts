import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  RouterStateSnapshot,
  UrlTree,
  provideRouter,
} from '@angular/router';

import { AuthStore } from '../auth/auth.store';
import { aPage, anEvent } from '../events/events.testing';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { landingOrDashboard } from './landing.guard';
import { LandingPage } from './landing.page';

describe('LandingPage', () => {
  function setUp() {
    TestBed.configureTestingModule({
      imports: [LandingPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: VIEWER_TIME_ZONE, useValue: 'UTC' },
      ],
    });
    return TestBed.inject(HttpTestingController);
  }

  it('when a visitor opens it, then it says what this is and offers sign up and sign in', async () => {
    const http = setUp();
    const fixture = TestBed.createComponent(LandingPage);
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;

    expect(page.querySelector('h1')?.textContent).toContain('Run events people sign up for');
    expect(page.querySelector('[data-testid="landing-sign-up"]')?.getAttribute('href')).toBe(
      '/sign-up',
    );
    expect(page.querySelector('[data-testid="landing-sign-in"]')?.getAttribute('href')).toBe(
      '/sign-in',
    );
    http.expectOne('/api/events').flush(aPage([]));
  });

  it('when public events are coming, then the first six are listed with their date and place, linking to the event', async () => {
    const http = setUp();
    const fixture = TestBed.createComponent(LandingPage);
    await fixture.whenStable();
    const events = Array.from({ length: 8 }, (_, i) =>
      anEvent({ id: `evt_${i}`, title: `Meetup ${i}`, venue: i === 1 ? null : 'Hall A' }),
    );
    http.expectOne('/api/events').flush(aPage(events, 'next'));
    await fixture.whenStable();
    const items = [
      ...(fixture.nativeElement as HTMLElement).querySelectorAll<HTMLElement>('.event-item'),
    ];

    expect(items.map((item) => item.querySelector('a')?.textContent?.trim())).toEqual([
      'Meetup 0',
      'Meetup 1',
      'Meetup 2',
      'Meetup 3',
      'Meetup 4',
      'Meetup 5',
    ]);
    expect(items[0].querySelector('a')?.getAttribute('href')).toBe('/events/evt_0');
    expect(items[0].textContent).toContain('Hall A');
    expect(items[0].querySelector('time')?.getAttribute('datetime')).toBe(events[0].startsAt);
    expect(items[1].textContent).toContain('Online');
    http.verify();
  });

  it('when no public event is coming, then it says so', async () => {
    const http = setUp();
    const fixture = TestBed.createComponent(LandingPage);
    await fixture.whenStable();
    http.expectOne('/api/events').flush(aPage([]));
    await fixture.whenStable();

    expect(
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="landing-no-events"]')
        ?.textContent,
    ).toContain('No upcoming events yet');
  });

  it('when the events cannot be loaded, then the page says so and still offers sign up', async () => {
    const http = setUp();
    const fixture = TestBed.createComponent(LandingPage);
    await fixture.whenStable();
    http.expectOne('/api/events').flush(null, { status: 503, statusText: 'Service Unavailable' });
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;

    expect(page.querySelector('[role="alert"]')).not.toBeNull();
    expect(page.querySelector('[data-testid="landing-sign-up"]')).not.toBeNull();
  });
});

describe('landingOrDashboard', () => {
  async function run(signedIn: boolean): Promise<true | string> {
    const restoreSession = vi.fn(() => Promise.resolve());
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: AuthStore, useValue: { restoreSession, isSignedIn: () => signedIn } },
      ],
    });
    const result = await TestBed.runInInjectionContext(() =>
      landingOrDashboard({} as ActivatedRouteSnapshot, { url: '/' } as RouterStateSnapshot),
    );
    expect(restoreSession).toHaveBeenCalled();
    return result instanceof UrlTree ? result.toString() : (result as true);
  }

  it('when a visitor opens /, then they see the landing page', async () => {
    expect(await run(false)).toBe(true);
  });

  it('when someone signed in opens /, then they go on to their dashboard', async () => {
    expect(await run(true)).toBe('/dashboard');
  });
});
