import { HttpErrorResponse } from '@angular/common/http';

/** The fields of an RFC 9457 problem details body that the UI may show. */
export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
}

function isProblemDetails(body: unknown): body is ProblemDetails {
  return typeof body === 'object' && body !== null && ('detail' in body || 'title' in body);
}

function nonEmptyText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * A sentence for the user explaining a failed request: the server's problem `detail` when it sent
 * one (it is written for people), else its `title`, else a plain fallback for the status.
 */
export function describeHttpError(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) {
    return 'Something went wrong. Please try again.';
  }
  if (isProblemDetails(error.error)) {
    const message = nonEmptyText(error.error.detail) ?? nonEmptyText(error.error.title);
    if (message !== null) {
      return message;
    }
  }
  if (error.status === 0) {
    return 'The server could not be reached. Check your connection and try again.';
  }
  if (error.status >= 500) {
    return 'The server had a problem. Please try again in a moment.';
  }
  return `The request failed (HTTP ${error.status}).`;
}
