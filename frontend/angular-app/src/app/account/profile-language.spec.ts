import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { User } from '@secureevent/contracts';

import { AuthStatus, AuthStore } from '../auth/auth.store';
import { I18n } from '../i18n/i18n';
import { applyProfileLanguageAtSignIn, languageAtSessionStart } from './profile-language';

describe('languageAtSessionStart', () => {
  it('when someone signs in with a profile language, then it is applied', () => {
    expect(languageAtSessionStart(AuthStatus.SignedOut, AuthStatus.SignedIn, 'de', true)).toBe(
      'de',
    );
  });

  it('when a session is restored and the browser has its own choice, then that choice stays', () => {
    expect(languageAtSessionStart(AuthStatus.Unknown, AuthStatus.SignedIn, 'de', true)).toBeNull();
  });

  it('when a session is restored in a browser without a choice, then the profile language applies', () => {
    expect(languageAtSessionStart(AuthStatus.Unknown, AuthStatus.SignedIn, 'fr', false)).toBe('fr');
  });

  it('when the profile has no language, or the session is not starting, then nothing changes', () => {
    expect(
      languageAtSessionStart(AuthStatus.SignedOut, AuthStatus.SignedIn, null, false),
    ).toBeNull();
    expect(
      languageAtSessionStart(AuthStatus.SignedIn, AuthStatus.SignedIn, 'de', false),
    ).toBeNull();
    expect(
      languageAtSessionStart(AuthStatus.SignedIn, AuthStatus.SignedOut, 'de', false),
    ).toBeNull();
  });
});

@Component({ selector: 'app-host', template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Host {
  constructor() {
    applyProfileLanguageAtSignIn(inject(AuthStore), inject(I18n));
  }
}

describe('applyProfileLanguageAtSignIn', () => {
  function setUp(initial: AuthStatus) {
    const status = signal<AuthStatus>(initial);
    const user = signal<Partial<User> | null>(null);
    const used: string[] = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: AuthStore, useValue: { status, user } },
        {
          provide: I18n,
          useValue: {
            lang: signal('en'),
            use: (next: string) => {
              used.push(next);
              return Promise.resolve();
            },
          },
        },
      ],
    });
    return { status, user, used };
  }

  afterEach(() => localStorage.removeItem('se_lang'));

  it('when a restored session (a reload) has a profile language and the browser none, then it applies; with a choice of the browser’s own, it does not', async () => {
    localStorage.removeItem('se_lang');
    const first = setUp(AuthStatus.Unknown);
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    first.user.set({ id: 'usr_1', locale: 'fr' });
    first.status.set(AuthStatus.SignedIn);
    await fixture.whenStable();
    expect(first.used).toEqual(['fr']);

    TestBed.resetTestingModule();
    localStorage.setItem('se_lang', 'en');
    const second = setUp(AuthStatus.Unknown);
    const again = TestBed.createComponent(Host);
    await again.whenStable();
    second.user.set({ id: 'usr_1', locale: 'fr' });
    second.status.set(AuthStatus.SignedIn);
    await again.whenStable();
    expect(second.used).toEqual([]);
  });

  it('when the person signs in and their profile says German, then the app switches to German; a later refresh does not switch again', async () => {
    const status = signal<AuthStatus>(AuthStatus.SignedOut);
    const user = signal<Partial<User> | null>(null);
    const used: string[] = [];
    const lang = signal('en');
    TestBed.configureTestingModule({
      providers: [
        { provide: AuthStore, useValue: { status, user } },
        {
          provide: I18n,
          useValue: {
            lang,
            use: (next: string) => {
              used.push(next);
              return Promise.resolve();
            },
          },
        },
      ],
    });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    expect(used).toEqual([]);

    user.set({ id: 'usr_1', locale: 'de' });
    status.set(AuthStatus.SignedIn);
    await fixture.whenStable();
    expect(used).toEqual(['de']);

    // The token refresh replaces the user object: no new switch (the person may have picked another one since).
    user.set({ id: 'usr_1', locale: 'de', displayName: 'x' });
    await fixture.whenStable();
    expect(used).toEqual(['de']);
  });
});
