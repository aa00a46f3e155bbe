import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Per-request context that every log line made inside the request carries. */
export interface RequestContext {
  requestId: string;
  traceId?: string | undefined;
  /** W3C trace context propagated into outgoing messages. */
  traceparent?: string | undefined;
}

/** Async-local request context; set by the HTTP app and by message consumers. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Paths that are never written to logs: credentials, tokens and session material. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  'password',
  'token',
  'accessToken',
  'refreshToken',
];

/** Each logger made by `createLogger` remembers its unlabelled root, so `loggerFor` never binds `service` twice. */
const roots = new WeakMap<Logger, Logger>();

/** A logger labelled with another `service` that writes where `logger` writes (embedded mode: one stream). */
export function loggerFor(logger: Logger, service: string): Logger {
  const root = roots.get(logger) ?? logger;
  const child = root.child({ service });
  roots.set(child, root);
  return child;
}

/** Creates the service's pino JSON logger, labelled with `service` and the current `requestId`/`traceId`. */
export function createLogger(service: string, options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: {},
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = requestContext.getStore();
      return ctx ? { requestId: ctx.requestId, traceId: ctx.traceId } : {};
    },
  };
  const root = options.destination ? pino(opts, options.destination) : pino(opts);
  const logger = root.child({ service });
  roots.set(logger, root);
  return logger;
}
