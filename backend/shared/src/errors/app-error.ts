/**
 * The closed list of machine-readable error codes shared by every service.
 * A service may only throw codes from this list; `problemStatus` maps each to one HTTP status.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  CONFLICT: 'CONFLICT',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  LAST_ADMIN: 'LAST_ADMIN',
  REGISTRATION_CLOSED: 'REGISTRATION_CLOSED',
  ALREADY_CHECKED_IN: 'ALREADY_CHECKED_IN',
  INVALID_TICKET: 'INVALID_TICKET',
  /** A mailed single-use token (password reset, email verification) that is unknown, used or expired. */
  INVALID_TOKEN: 'INVALID_TOKEN',
  /** The action needs a confirmed email address (REQUIRE_VERIFIED_EMAIL). */
  EMAIL_NOT_VERIFIED: 'EMAIL_NOT_VERIFIED',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_STATE_TRANSITION: 'INVALID_STATE_TRANSITION',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One invalid input field, as reported in a validation problem. */
export interface FieldError {
  /** Dotted path of the field, e.g. `body.capacity`. */
  field: string;
  message: string;
}

/** A domain or request error with a stable code; the error middleware turns it into RFC 9457 problem+json. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** `errors` lists bad fields; `headers` are set on the response (e.g. Retry-After); the rest joins the problem body. */
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
  }
}

/** Maps each error code to its HTTP status; the switch is exhaustive so a new code cannot be forgotten. */
export function problemStatus(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.VALIDATION_FAILED:
    case ErrorCode.MALFORMED_JSON:
    case ErrorCode.INVALID_TICKET:
    case ErrorCode.INVALID_TOKEN:
      return 400;
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.INVALID_CREDENTIALS:
      return 401;
    case ErrorCode.FORBIDDEN:
    case ErrorCode.ACCOUNT_DISABLED:
    case ErrorCode.EMAIL_NOT_VERIFIED:
      return 403;
    case ErrorCode.NOT_FOUND:
    case ErrorCode.ROUTE_NOT_FOUND:
      return 404;
    case ErrorCode.CONFLICT:
    case ErrorCode.EMAIL_TAKEN:
    case ErrorCode.LAST_ADMIN:
    case ErrorCode.REGISTRATION_CLOSED:
    case ErrorCode.ALREADY_CHECKED_IN:
    case ErrorCode.INVALID_STATE_TRANSITION:
      return 409;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.SERVICE_UNAVAILABLE:
      return 503;
    case ErrorCode.INTERNAL:
      return 500;
  }
}

/** Human-readable titles for the problem `title` member. */
export function problemTitle(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
}
