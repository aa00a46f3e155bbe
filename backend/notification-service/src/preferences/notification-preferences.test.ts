import { describe, expect, it } from 'vitest';
import { channelsOf, DEFAULT_PREFERENCES, mergePreferences } from './notification-preferences.js';

describe('notification preferences', () => {
  it('when a kind is routed, then in_app, email and both open the matching channels', () => {
    expect(channelsOf('event_reminder', 'in_app')).toEqual({ inApp: true, email: false });
    expect(channelsOf('event_reminder', 'email')).toEqual({ inApp: false, email: true });
    expect(channelsOf('event_reminder', 'both')).toEqual({ inApp: true, email: true });
  });

  it('when nothing was chosen, then the default applies; a kind outside the list stays in the inbox only', () => {
    expect(channelsOf('registration_waitlisted', undefined)).toEqual({ inApp: true, email: false });
    expect(channelsOf('registration_confirmed', undefined)).toEqual({ inApp: true, email: true });
    expect(channelsOf('event_published', 'email')).toEqual({ inApp: true, email: false });
  });

  it('when stored rows are merged, then they override the defaults and unknown kinds are ignored', () => {
    expect(
      mergePreferences([
        { kind: 'roles_changed', channel: 'in_app' },
        { kind: 'retired_kind', channel: 'email' },
      ]),
    ).toEqual({ ...DEFAULT_PREFERENCES, roles_changed: 'in_app' });
  });
});
