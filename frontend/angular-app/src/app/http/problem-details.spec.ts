import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

import { describeHttpError } from './problem-details';

function problemResponse(status: number, body: unknown): HttpErrorResponse {
  return new HttpErrorResponse({
    status,
    error: body,
    headers: new HttpHeaders({ 'Content-Type': 'application/problem+json' }),
    url: '/api/events',
  });
}

describe('describeHttpError', () => {
  it('when the server sends a problem with a detail, then the detail is shown as it is', () => {
    const error = problemResponse(503, {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The event service is restarting. Try again in a minute.',
    });

    expect(describeHttpError(error)).toBe(
      'The event service is restarting. Try again in a minute.',
    );
  });

  it('when the problem has a title but no detail, then the title is shown', () => {
    const error = problemResponse(429, { title: 'Too many requests', status: 429 });

    expect(describeHttpError(error)).toBe('Too many requests');
  });

  it('when the server could not be reached, then the user is told to check the connection', () => {
    const error = new HttpErrorResponse({ status: 0, error: new ProgressEvent('error') });

    expect(describeHttpError(error)).toContain('could not be reached');
  });

  it('when a 5xx body is not a problem, then a plain sentence replaces it', () => {
    const error = new HttpErrorResponse({ status: 502, error: '<html>Bad gateway</html>' });

    expect(describeHttpError(error)).toBe(
      'The server had a problem. Please try again in a moment.',
    );
  });
});
