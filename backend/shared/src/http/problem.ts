import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, ErrorCode, problemStatus, problemTitle, type FieldError } from '../errors/app-error.js';
import { isConnectionError } from '../db/connection-errors.js';
import type { Logger } from '../logging/logger.js';
import { requestContext } from '../logging/logger.js';

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): void {
  const status = problemStatus(code);
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: problemTitle(code),
      status,
      detail,
      instance: res.req.originalUrl.split('?')[0],
      code,
      requestId: requestContext.getStore()?.requestId,
      ...extra,
    });
}

/** Answers every unmatched route with a problem+json 404. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, ErrorCode.ROUTE_NOT_FOUND, `No route matches ${req.method} ${req.path}.`);
};

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * The one error middleware: AppErrors and body-parser failures become their problem documents;
 * a lost database, cache or broker connection becomes 503 with Retry-After; anything else is
 * logged and becomes a bare 500 that reveals nothing about the cause.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof AppError) {
      const { errors, headers, ...rest } = err.extra;
      if (headers) res.set(headers);
      return sendProblem(res, err.code, err.detail, { ...rest, ...(errors ? { errors } : {}) });
    }
    const parserType = (err as BodyParserError | null)?.type;
    switch (parserType) {
      case 'entity.parse.failed':
        return sendProblem(res, ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON.');
      case 'entity.too.large':
        return sendProblem(res, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is larger than this endpoint accepts.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendProblem(res, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The request body encoding or charset is not supported.');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return sendProblem(res, ErrorCode.VALIDATION_FAILED, 'The request body could not be read.');
      default: {
        // Errors from Express itself (e.g. a path parameter that is not valid percent-encoding)
        // carry a client-error status; they are the caller's mistake, not a server fault.
        const status = (err as { status?: unknown } | null)?.status;
        if (typeof status === 'number' && status >= 400 && status < 500) {
          return sendProblem(res, ErrorCode.VALIDATION_FAILED, 'The request could not be understood.');
        }
        if (isConnectionError(err)) {
          // A database, cache or broker connection is lost or too slow: not this request's fault,
          // and worth retrying shortly. Only the message is logged (it names no data).
          logger.warn({ err: errorMessage(err) }, 'dependency unavailable');
          res.set('retry-after', String(RETRY_AFTER_SECONDS));
          return sendProblem(
            res,
            ErrorCode.SERVICE_UNAVAILABLE,
            'A service this request needs is unavailable right now. Try again shortly.',
          );
        }
        logger.error({ err }, 'unhandled error');
        res.status(500).type('application/problem+json').json({
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          code: ErrorCode.INTERNAL,
          requestId: requestContext.getStore()?.requestId,
        });
      }
    }
  };
}

/** What a 503 for a lost dependency tells clients to wait, in seconds. */
const RETRY_AFTER_SECONDS = 5;

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Converts zod issues into the `errors` list of a validation problem. */
export function fieldErrors(
  location: string,
  issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[],
): FieldError[] {
  return issues.flatMap((i) =>
    // An unknown field is reported against the field itself, so clients can point at it.
    i.code === 'unrecognized_keys' && i.keys
      ? i.keys.map((k) => ({ field: [location, ...i.path.map(String), k].join('.'), message: 'is not an accepted field' }))
      : [{ field: [location, ...i.path.map(String)].join('.'), message: i.message }],
  );
}
