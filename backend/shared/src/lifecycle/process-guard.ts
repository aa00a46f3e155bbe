import { isConnectionError } from '../db/connection-errors.js';
import type { Logger } from '../logging/logger.js';

/**
 * The last line of defence for "no database, broker or cache error ends the process": an
 * unhandled rejection or an uncaught error that is a lost connection (an 'error' event some
 * client library emitted with no listener, a background promise nobody awaited) is logged and
 * the process keeps serving; the clients reconnect by themselves. Anything else is a bug and
 * still ends the process, as Node would, after logging it.
 */
export function guardAgainstConnectionErrors(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onRejection = (reason: unknown) => {
    if (isConnectionError(reason)) {
      logger.warn({ err: String(reason) }, 'unhandled connection error (rejection); continuing');
      return;
    }
    logger.fatal({ err: reason }, 'unhandled rejection');
    exit(1);
  };
  const onException = (err: Error) => {
    if (isConnectionError(err)) {
      logger.warn({ err: String(err) }, 'uncaught connection error; continuing');
      return;
    }
    logger.fatal({ err }, 'uncaught exception');
    exit(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
