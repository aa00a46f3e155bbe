import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { AuthStore } from '../auth/auth.store';

/** `/` is the landing page for visitors; people signed in go on to their dashboard. */
export const landingOrDashboard: CanActivateFn = async () => {
  // inject() only works before the first await.
  const auth = inject(AuthStore);
  const router = inject(Router);
  await auth.restoreSession();
  return auth.isSignedIn() ? router.createUrlTree(['/dashboard']) : true;
};
