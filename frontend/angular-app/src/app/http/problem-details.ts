import { HttpErrorResponse } from '@angular/common/http';

import { t } from '../i18n/i18n';

/** The fields of an RFC 9457 problem details body that the UI may show. */
export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
  readonly [extra: string]: unknown;
}

function isProblemDetails(body: unknown): body is ProblemDetails {
  return typeof body === 'object' && body !== null && ('detail' in body || 'title' in body);
}

function nonEmptyText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The problem body of a failed request, or null when the server sent none. */
export function problemOf(error: unknown): ProblemDetails | null {
  return error instanceof HttpErrorResponse && isProblemDetails(error.error) ? error.error : null;
}

/**
 * A sentence for the user explaining a failed request: the server's problem `detail` when it sent
 * one (it is written for people), else its `title`, else a plain fallback for the status, in the
 * active language (the server's own words are in English until the services translate them).
 */
export function describeHttpError(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) {
    return t('errors.generic');
  }
  const problem = problemOf(error);
  if (problem !== null) {
    const message = nonEmptyText(problem.detail) ?? nonEmptyText(problem.title);
    if (message !== null) {
      return message;
    }
  }
  if (error.status === 0) {
    return t('errors.offline');
  }
  if (error.status === 401) {
    return t('errors.sessionEnded');
  }
  if (error.status === 403) {
    return t('errors.forbidden');
  }
  if (error.status >= 500) {
    return t('errors.server');
  }
  return t('errors.status', { status: error.status });
}

/**
 * The problem's invalid fields keyed by their path in the request body (`body.questions.0.label`
 * becomes `questions.0.label`), so forms can show each message beside its field.
 */
export function fieldErrorsOf(error: unknown): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const { field, message } of problemOf(error)?.errors ?? []) {
    const path = field.startsWith('body.') ? field.slice('body.'.length) : field;
    if (!fields.has(path)) {
      fields.set(path, message);
    }
  }
  return fields;
}
