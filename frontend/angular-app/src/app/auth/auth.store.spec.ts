import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { AuthStatus, AuthStore } from './auth.store';
import { aSessionHint, provideSessionHint } from './auth.testing';

const user = { id: 'usr_a', email: 'ada@example.com', displayName: 'Ada', roles: ['attendee'] };
const tokens = (accessToken: string) => ({ accessToken, tokenType: 'Bearer', expiresIn: 300 });

describe('AuthStore', () => {
  let http: HttpTestingController;
  let hint: ReturnType<typeof aSessionHint>;

  function setUp(hasSession: boolean): AuthStore {
    hint = aSessionHint(hasSession);
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), provideSessionHint(hint)],
    });
    http = TestBed.inject(HttpTestingController);
    return TestBed.inject(AuthStore);
  }

  afterEach(() => http.verify());

  it('when this browser never signed in, then restoring the session asks the server nothing', async () => {
    const auth = setUp(false);

    await auth.restoreSession();

    expect(auth.status()).toBe(AuthStatus.SignedOut);
    http.expectNone('/api/auth/refresh');
  });

  it('when a session may exist, then restoring trades the refresh cookie for a token and loads the user', async () => {
    const auth = setUp(true);

    const restoring = auth.restoreSession();
    http.expectOne({ method: 'POST', url: '/api/auth/refresh' }).flush(tokens('at-1'));
    await Promise.resolve();
    const me = http.expectOne('/api/users/me');
    expect(me.request.headers.has('Authorization')).toBe(false); // added by the interceptor, absent here
    me.flush(user);
    await restoring;

    expect(auth.status()).toBe(AuthStatus.SignedIn);
    expect(auth.accessToken()).toBe('at-1');
    expect(auth.user()?.displayName).toBe('Ada');
  });

  it('when the refresh cookie is refused, then the person is signed out and the hint is cleared', async () => {
    const auth = setUp(true);

    const restoring = auth.restoreSession();
    http
      .expectOne('/api/auth/refresh')
      .flush(
        { title: 'Unauthorized', detail: 'Expired' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await restoring;

    expect(auth.status()).toBe(AuthStatus.SignedOut);
    expect(auth.accessToken()).toBeNull();
    expect(hint.value).toBe(false);
  });

  it('when two callers refresh at once, then only one refresh request is sent', async () => {
    const auth = setUp(true);

    const first = auth.refresh();
    const second = auth.refresh();
    http.expectOne('/api/auth/refresh').flush(tokens('at-2'));
    await Promise.resolve();
    http.expectOne('/api/users/me').flush(user);

    expect(await first).toBe('at-2');
    expect(await second).toBe('at-2');
  });

  it('when someone signs in and out, then the token lives in memory only and is gone afterwards', async () => {
    const auth = setUp(false);
    const storageBefore = JSON.stringify({ ...localStorage });

    const signingIn = auth.signIn('ada@example.com', 'a long passphrase');
    const login = http.expectOne({ method: 'POST', url: '/api/auth/login' });
    expect(login.request.body).toEqual({ email: 'ada@example.com', password: 'a long passphrase' });
    login.flush(tokens('at-3'));
    await Promise.resolve();
    http.expectOne('/api/users/me').flush({ ...user, roles: ['organizer'] });
    await signingIn;

    expect(auth.isSignedIn()).toBe(true);
    expect(auth.isOrganizer()).toBe(true);
    expect(auth.isAdmin()).toBe(false);
    expect(JSON.stringify({ ...localStorage })).toBe(storageBefore);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('at-3');

    const signingOut = auth.signOut();
    http
      .expectOne({ method: 'POST', url: '/api/auth/logout' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await signingOut;

    expect(auth.accessToken()).toBeNull();
    expect(auth.status()).toBe(AuthStatus.SignedOut);
    expect(hint.value).toBe(false);
  });

  it('when a signed-in session is refused at refresh, then it counts as expired; a refused restore does not', async () => {
    const auth = setUp(true);
    const restoring = auth.restoreSession();
    http.expectOne('/api/auth/refresh').flush(tokens('at-1'));
    await Promise.resolve();
    http.expectOne('/api/users/me').flush(user);
    await restoring;
    expect(auth.expiredSessions()).toBe(0);

    const refreshing = auth.refresh();
    http
      .expectOne('/api/auth/refresh')
      .flush({ title: 'Unauthorized' }, { status: 401, statusText: 'Unauthorized' });

    expect(await refreshing).toBeNull();
    expect(auth.expiredSessions()).toBe(1);
    expect(auth.isSignedIn()).toBe(false);
  });

  it('when the browser leaves for company sign-in, then the next start tries the refresh cookie', () => {
    const auth = setUp(false);

    auth.prepareCompanySignIn();

    expect(hint.value).toBe(true);
  });

  it('when the account has a second factor, then sign-in answers the challenge and starts no session until tokens are adopted', async () => {
    const auth = setUp(false);

    const signingIn = auth.signIn('ada@example.com', 'a long passphrase');
    const challenge = {
      mfaRequired: true,
      mfaToken: 'mfa_x',
      methods: ['totp', 'recovery'],
      expiresIn: 300,
    };
    http.expectOne('/api/auth/login').flush(challenge);
    expect(await signingIn).toEqual(challenge);
    expect(auth.isSignedIn()).toBe(false);
    expect(auth.accessToken()).toBeNull();

    const adopting = auth.adoptTokens({ ...tokens('at-mfa'), tokenType: 'Bearer' });
    http.expectOne('/api/users/me').flush(user);
    await adopting;
    expect(auth.status()).toBe(AuthStatus.SignedIn);
    expect(auth.accessToken()).toBe('at-mfa');
  });

  it('when sign-in says a second factor must be set up, then the store remembers it for the guards', async () => {
    const auth = setUp(false);

    const signingIn = auth.signIn('ada@example.com', 'a long passphrase');
    http.expectOne('/api/auth/login').flush({ ...tokens('at-2'), mfaSetupRequired: true });
    await Promise.resolve();
    http.expectOne('/api/users/me').flush(user);
    expect(await signingIn).toBeNull();
    expect(auth.mfaSetupRequired()).toBe(true);
  });
});
