import { InjectionToken } from '@angular/core';

/**
 * Whether this browser signed in before, so that a reload knows a refresh cookie may exist. It
 * is a flag, not a credential: the refresh token stays in its httpOnly cookie and the access
 * token in memory. Without it every anonymous visit would start with a failing refresh request.
 */
export interface SessionHint {
  get(): boolean;
  set(): void;
  clear(): void;
}

const KEY = 'se_has_session';

export const SESSION_HINT = new InjectionToken<SessionHint>('SESSION_HINT', {
  providedIn: 'root',
  factory: () => ({
    get: () => globalThis.localStorage?.getItem(KEY) === '1',
    set: () => globalThis.localStorage?.setItem(KEY, '1'),
    clear: () => globalThis.localStorage?.removeItem(KEY),
  }),
});
