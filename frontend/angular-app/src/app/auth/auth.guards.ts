import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import type { Role } from '@secureevent/contracts';

import { AuthStore } from './auth.store';

/** Someone whose role requires a second factor sets it up before anything else (MFA_REQUIRED_ROLES). */
const setUpSecondFactorFirst = (auth: AuthStore, router: Router, url: string) =>
  auth.mfaSetupRequired() && !url.startsWith('/account/two-factor')
    ? router.createUrlTree(['/account/two-factor'], { queryParams: { returnUrl: url } })
    : true;

/** Lets signed-in people through; sends others to sign in, coming back here afterwards. */
export const requireSignIn: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restoreSession();
  return auth.isSignedIn()
    ? setUpSecondFactorFirst(auth, router, state.url)
    : router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
};

/**
 * Lets through people holding one of `roles`. Signed-out people are sent to sign in; signed-in
 * people without the role see the "not allowed" page rather than a blank one. The API enforces
 * the same rules: this guard only spares people a page they cannot use.
 */
export function requireRole(...roles: readonly Role[]): CanActivateFn {
  return async (_route, state) => {
    const auth = inject(AuthStore);
    const router = inject(Router);
    await auth.restoreSession();
    if (!auth.isSignedIn()) {
      return router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
    }
    return auth.hasAnyRole(roles)
      ? setUpSecondFactorFirst(auth, router, state.url)
      : router.createUrlTree(['/not-allowed'], { queryParams: { from: state.url } });
  };
}

/** Sends people who are already signed in away from the sign-in and sign-up pages. */
export const requireSignedOut: CanActivateFn = async () => {
  // inject() only works before the first await.
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restoreSession();
  return auth.isSignedIn() ? router.createUrlTree(['/dashboard']) : true;
};
