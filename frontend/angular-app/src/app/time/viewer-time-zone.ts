import { InjectionToken } from '@angular/core';

/** The IANA time zone of the person using the app, as their browser reports it. */
export const VIEWER_TIME_ZONE = new InjectionToken<string>('VIEWER_TIME_ZONE', {
  providedIn: 'root',
  factory: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
});
