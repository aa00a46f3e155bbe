/**
 * Socket-level error codes (Node's `err.code`) that mean the server could not be reached or the
 * connection broke: the request may well succeed a moment later.
 */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that say "not now" rather than "wrong request": the whole 08 class
 * (connection exception), 57P01–57P05 (admin/crash shutdown, cannot connect now, database
 * dropped, idle session timeout), 57014 (query_canceled, i.e. our statement_timeout), 53300
 * (too many connections) and 53000 (insufficient resources).
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08/.test(code) || /^57P0[1-5]$/.test(code) || code === '57014' || code === '53300' || code === '53000';
}

/**
 * Messages of errors that node-postgres, pg-pool, ioredis and amqplib raise without a code when a
 * connection is lost, cannot be made in time, or is not open.
 */
const unavailableMessages = [
  /^Connection terminated/, // pg: "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: no client within connectionTimeoutMillis
  /^Query read timeout$/, // pg: query_timeout
  /not queryable/, // pg: "Client has encountered a connection error and is not queryable"
  /^Cannot use a pool after calling end/, // pg-pool during shutdown
  /^Connection is closed\.?$/, // ioredis
  /enableOfflineQueue options is false/, // ioredis while disconnected
  /^Reached the max retries per request limit/, // ioredis MaxRetriesPerRequestError
  /^Command timed out$/, // ioredis commandTimeout
  /^AMQP not connected$/, // our AMQP transport while reconnecting
  /^Socket closed abruptly/, // amqplib: the broker went away during the handshake
  /^Database unavailable/, // our own wrapper (a client that broke earlier in this request)
];

/**
 * Whether `err` (or its `cause`) says a database, cache or broker connection is unavailable —
 * as opposed to a bug or a bad request. The error handler answers such errors with 503 and
 * `Retry-After` instead of 500. Adapter-agnostic: PGlite never raises these, PostgreSQL does.
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const { code, message, cause, errno } = err as { code?: unknown; message?: unknown; cause?: unknown; errno?: unknown };
  if (typeof code === 'string' && (socketCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))) return true;
  if (typeof errno === 'string' && socketCodes.has(errno)) return true;
  if (typeof message === 'string' && unavailableMessages.some((p) => p.test(message))) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isConnectionError(e, depth + 1))) return true;
  return isConnectionError(cause, depth + 1);
}
