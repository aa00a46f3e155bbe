import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { from, switchMap, throwError, catchError } from 'rxjs';

import { AUTH_ENDPOINTS, AuthStore } from './auth.store';

function isOwnApi(request: HttpRequest<unknown>): boolean {
  return request.url.startsWith('/api/');
}

function isAuthEndpoint(request: HttpRequest<unknown>): boolean {
  return AUTH_ENDPOINTS.some((path) => request.url === path);
}

function withToken(request: HttpRequest<unknown>, token: string | null): HttpRequest<unknown> {
  return token === null
    ? request
    : request.clone({ setHeaders: { Authorization: `Bearer ${token}` } });
}

/**
 * Adds the access token to the app's own API calls (never to another origin) and, when the API
 * answers 401, refreshes the session once and retries the request once with the new token. A
 * second 401, or a failed refresh, goes back to the caller unchanged.
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isOwnApi(request) || isAuthEndpoint(request)) {
    return next(request);
  }
  const auth = inject(AuthStore);
  const sentToken = auth.accessToken();
  return next(withToken(request, sentToken)).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401 || sentToken === null) {
        return throwError(() => error);
      }
      return from(auth.refresh()).pipe(
        switchMap((freshToken) =>
          freshToken === null ? throwError(() => error) : next(withToken(request, freshToken)),
        ),
      );
    }),
  );
};
