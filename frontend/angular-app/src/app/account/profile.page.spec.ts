import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { User } from '@secureevent/contracts';

import { AuthStore } from '../auth/auth.store';
import { I18n } from '../i18n/i18n';
import { VIEWER_TIME_ZONE } from '../time/viewer-time-zone';
import { ProfilePage } from './profile.page';

const me: User = {
  id: 'usr_me',
  email: 'grace@example.com',
  displayName: 'Grace',
  roles: ['attendee'],
  emailVerified: true,
  locale: null,
  timeZone: null,
};

describe('ProfilePage', () => {
  let languagesUsed: string[];
  let reloads: number;

  async function open(user: User = me) {
    languagesUsed = [];
    reloads = 0;
    TestBed.configureTestingModule({
      imports: [ProfilePage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Berlin' },
        {
          provide: AuthStore,
          useValue: {
            reloadUser: () => {
              reloads += 1;
              return Promise.resolve();
            },
          },
        },
        {
          provide: I18n,
          useValue: {
            lang: () => 'en',
            use: (lang: string) => {
              languagesUsed.push(lang);
              return Promise.resolve();
            },
            dateTime: () => '',
          },
        },
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ProfilePage);
    await fixture.whenStable();
    http.expectOne('/api/users/me').flush(user);
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;
    return { http, fixture, page };
  }

  function fill(page: HTMLElement, testId: string, value: string) {
    const input = page.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  function click(page: HTMLElement, testId: string) {
    page.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)!.click();
  }

  it('when the account has no language or zone saved, then the form starts from the browser’s', async () => {
    const { page } = await open();
    expect(page.querySelector<HTMLInputElement>('[data-testid="display-name"]')!.value).toBe(
      'Grace',
    );
    expect(page.querySelector<HTMLInputElement>('[data-testid="profile-time-zone"]')!.value).toBe(
      'Europe/Berlin',
    );
    expect(page.querySelector('[data-testid="profile-language"]')!.textContent).toContain(
      'English',
    );
    expect(page.querySelector('[data-testid="current-email"]')!.textContent).toContain(
      'grace@example.com',
    );
  });

  it('when the profile is saved, then name, language and zone are sent, the app switches language and the toolbar name reloads', async () => {
    const { http, fixture, page } = await open({ ...me, locale: 'de', timeZone: 'Asia/Tokyo' });
    fill(page, 'display-name', '  Grace Hopper ');
    click(page, 'save-profile');
    const request = http.expectOne({ method: 'PATCH', url: '/api/users/me' });
    expect(request.request.body).toEqual({
      displayName: 'Grace Hopper',
      locale: 'de',
      timeZone: 'Asia/Tokyo',
    });
    request.flush({ ...me, displayName: 'Grace Hopper', locale: 'de', timeZone: 'Asia/Tokyo' });
    await fixture.whenStable();
    expect(languagesUsed).toEqual(['de']);
    expect(reloads).toBe(1);
    expect(page.querySelector('[data-testid="profile-saved"]')).not.toBeNull();
  });

  it('when the zone is not an IANA zone, then nothing is sent and the field says so', async () => {
    const { http, fixture, page } = await open();
    fill(page, 'profile-time-zone', 'Mars/Olympus');
    click(page, 'save-profile');
    await fixture.whenStable();
    http.expectNone({ method: 'PATCH' });
    expect(page.textContent).toContain('Choose a time zone from the list.');
  });

  it('when a new email is asked for, then it needs the current password, and the page says to confirm from the new address', async () => {
    const { http, fixture, page } = await open();
    fill(page, 'new-email', 'grace@new.example');
    click(page, 'change-email');
    await fixture.whenStable();
    http.expectNone({ method: 'PATCH' });

    fill(page, 'email-current-password', 'my current password');
    click(page, 'change-email');
    const request = http.expectOne({ method: 'PATCH', url: '/api/users/me' });
    expect(request.request.body).toEqual({
      email: 'grace@new.example',
      currentPassword: 'my current password',
    });
    request.flush(me);
    await fixture.whenStable();
    expect(page.querySelector('[data-testid="email-pending"]')!.textContent).toContain(
      'grace@new.example',
    );
    expect(languagesUsed).toEqual([]);
  });

  it('when the address is taken, then the server’s words show beside the email field', async () => {
    const { http, fixture, page } = await open();
    fill(page, 'new-email', 'taken@example.com');
    fill(page, 'email-current-password', 'my current password');
    click(page, 'change-email');
    http.expectOne({ method: 'PATCH', url: '/api/users/me' }).flush(
      {
        title: 'Conflict',
        status: 409,
        code: 'EMAIL_TAKEN',
        detail: 'Another account uses this email address.',
        errors: [{ field: 'body.email', message: 'is taken' }],
      },
      { status: 409, statusText: 'Conflict' },
    );
    await fixture.whenStable();
    expect(page.querySelector('[data-testid="email-error"]')!.textContent).toContain(
      'Another account uses this email address.',
    );
    expect(page.querySelector('mat-error')!.textContent).toContain('New email address is taken');
    expect(page.querySelector('[data-testid="email-pending"]')).toBeNull();
  });

  it('when the new password breaks the policy, then the reason shows beside the new password', async () => {
    const { http, fixture, page } = await open();
    fill(page, 'password-current', 'my current password');
    fill(page, 'password-new', 'grace and more words');
    fill(page, 'password-repeat', 'grace and more words');
    click(page, 'change-password');
    const request = http.expectOne({ method: 'POST', url: '/api/users/me/password' });
    expect(request.request.body).toEqual({
      currentPassword: 'my current password',
      newPassword: 'grace and more words',
    });
    request.flush(
      {
        title: 'Bad Request',
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'The password is too weak.',
        errors: [{ field: 'body.newPassword', message: 'must not contain your email address' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(page.querySelector('[data-testid="new-password-error"]')!.textContent).toContain(
      'New password must not contain your email address',
    );
    expect(page.querySelector('[data-testid="password-changed"]')).toBeNull();
  });

  it('when the two new passwords differ, then nothing is sent', async () => {
    const { http, fixture, page } = await open();
    fill(page, 'password-current', 'my current password');
    fill(page, 'password-new', 'a long new passphrase');
    fill(page, 'password-repeat', 'another long passphrase');
    click(page, 'change-password');
    await fixture.whenStable();
    http.expectNone({ method: 'POST' });
    expect(page.querySelector('[data-testid="passwords-differ"]')).not.toBeNull();
  });

  it('when the password is changed, then the page says the other sessions ended and empties the form', async () => {
    const { http, fixture, page } = await open();
    fill(page, 'password-current', 'my current password');
    fill(page, 'password-new', 'a long new passphrase');
    fill(page, 'password-repeat', 'a long new passphrase');
    click(page, 'change-password');
    http.expectOne({ method: 'POST', url: '/api/users/me/password' }).flush(null, {
      status: 204,
      statusText: 'No Content',
    });
    await fixture.whenStable();
    expect(page.querySelector('[data-testid="password-changed"]')!.textContent).toContain(
      'Every other session was signed out',
    );
    expect(page.querySelector<HTMLInputElement>('[data-testid="password-new"]')!.value).toBe('');
  });
});
