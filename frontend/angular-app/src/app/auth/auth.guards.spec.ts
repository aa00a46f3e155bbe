import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  CanActivateFn,
  RouterStateSnapshot,
  UrlTree,
  provideRouter,
} from '@angular/router';
import type { Role } from '@secureevent/contracts';

import { requireRole, requireSignIn, requireSignedOut } from './auth.guards';
import { AuthStore } from './auth.store';

function withPerson(person: { roles: Role[] } | null, mfaSetupRequired = false) {
  const restoreSession = vi.fn(() => Promise.resolve());
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      {
        provide: AuthStore,
        useValue: {
          restoreSession,
          isSignedIn: () => person !== null,
          hasAnyRole: (roles: Role[]) => roles.some((r) => person?.roles.includes(r)),
          mfaSetupRequired: () => mfaSetupRequired,
        },
      },
    ],
  });
  return { restoreSession };
}

async function run(guard: CanActivateFn, url: string): Promise<true | string> {
  const result = await TestBed.runInInjectionContext(() =>
    guard({} as ActivatedRouteSnapshot, { url } as RouterStateSnapshot),
  );
  return result instanceof UrlTree ? result.toString() : (result as true);
}

describe('route guards', () => {
  it('when a signed-out visitor opens a private page, then they are sent to sign in with the way back', async () => {
    const { restoreSession } = withPerson(null);

    expect(await run(requireSignIn, '/tickets')).toBe('/sign-in?returnUrl=%2Ftickets');
    expect(restoreSession).toHaveBeenCalled();
  });

  it('when a signed-in person opens a private page, then they pass', async () => {
    withPerson({ roles: ['attendee'] });

    expect(await run(requireSignIn, '/tickets')).toBe(true);
  });

  it('when an attendee opens an admin page, then they are shown the not-allowed page', async () => {
    withPerson({ roles: ['attendee'] });

    expect(await run(requireRole('admin'), '/admin')).toBe('/not-allowed?from=%2Fadmin');
  });

  it('when an organizer opens an organizer page, then they pass; an admin passes too', async () => {
    withPerson({ roles: ['attendee', 'organizer'] });
    expect(await run(requireRole('organizer', 'admin'), '/events/new')).toBe(true);
  });

  it('when a signed-out visitor opens a role page, then they are sent to sign in first', async () => {
    withPerson(null);

    expect(await run(requireRole('admin'), '/admin')).toBe('/sign-in?returnUrl=%2Fadmin');
  });

  it('when a signed-in person opens the sign-in page, then they go to their dashboard', async () => {
    withPerson({ roles: ['attendee'] });

    expect(await run(requireSignedOut, '/sign-in')).toBe('/dashboard');
  });

  it('when a role requires a second factor that is not set up, then every private page leads to its set-up first', async () => {
    withPerson({ roles: ['attendee', 'admin'] }, true);

    expect(await run(requireSignIn, '/tickets')).toBe('/account/two-factor?returnUrl=%2Ftickets');
    expect(await run(requireRole('admin'), '/admin')).toBe(
      '/account/two-factor?returnUrl=%2Fadmin',
    );
    expect(await run(requireSignIn, '/account/two-factor?returnUrl=%2Fadmin')).toBe(true);
  });
});
