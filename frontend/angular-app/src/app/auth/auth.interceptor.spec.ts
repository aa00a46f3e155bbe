import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { authInterceptor } from './auth.interceptor';
import { AuthStore } from './auth.store';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let token: string | null;
  let refresh: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    token = 'token-1';
    refresh = vi.fn(() => {
      token = 'token-2';
      return Promise.resolve(token);
    });
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: AuthStore, useValue: { accessToken: () => token, refresh } },
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  const unauthorized = { status: 401, statusText: 'Unauthorized' };

  it('when the app calls its own API, then the bearer token is added', () => {
    http.get('/api/events/mine').subscribe();

    expect(backend.expectOne('/api/events/mine').request.headers.get('Authorization')).toBe(
      'Bearer token-1',
    );
  });

  it('when a request goes to another origin or to an auth endpoint, then no token is sent', () => {
    http.get('https://elsewhere.example/api/events').subscribe();
    http.post('/api/auth/refresh', {}).subscribe();

    expect(
      backend
        .expectOne('https://elsewhere.example/api/events')
        .request.headers.has('Authorization'),
    ).toBe(false);
    expect(backend.expectOne('/api/auth/refresh').request.headers.has('Authorization')).toBe(false);
  });

  it('when the API answers 401, then the session is refreshed and the request retried once with the new token', async () => {
    const result = firstValueFrom(http.get<{ ok: boolean }>('/api/registrations/mine'));

    backend.expectOne('/api/registrations/mine').flush({}, unauthorized);
    await Promise.resolve();
    await Promise.resolve();
    const retry = backend.expectOne('/api/registrations/mine');
    expect(retry.request.headers.get('Authorization')).toBe('Bearer token-2');
    retry.flush({ ok: true });

    expect(await result).toEqual({ ok: true });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('when the retried request is refused again, then the 401 reaches the caller without another refresh', async () => {
    const result = firstValueFrom(http.get('/api/registrations/mine')).catch((e: unknown) => e);

    backend.expectOne('/api/registrations/mine').flush({}, unauthorized);
    await Promise.resolve();
    await Promise.resolve();
    backend.expectOne('/api/registrations/mine').flush({}, unauthorized);

    expect(await result).toMatchObject({ status: 401 });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('when the refresh fails, then the original 401 reaches the caller and nothing is retried', async () => {
    refresh.mockResolvedValue(null);
    const result = firstValueFrom(http.get('/api/registrations/mine')).catch((e: unknown) => e);

    backend.expectOne('/api/registrations/mine').flush({}, unauthorized);

    expect(await result).toMatchObject({ status: 401 });
    backend.expectNone('/api/registrations/mine');
  });

  it('when nobody is signed in, then a 401 is not worth a refresh', async () => {
    token = null;
    const result = firstValueFrom(http.get('/api/notifications')).catch((e: unknown) => e);

    backend.expectOne('/api/notifications').flush({}, unauthorized);

    expect(await result).toMatchObject({ status: 401 });
    expect(refresh).not.toHaveBeenCalled();
  });

  it('when the API answers 403, then nothing is refreshed', async () => {
    const result = firstValueFrom(http.get('/api/users')).catch((e: unknown) => e);

    backend.expectOne('/api/users').flush({}, { status: 403, statusText: 'Forbidden' });

    expect(await result).toMatchObject({ status: 403 });
    expect(refresh).not.toHaveBeenCalled();
  });
});
