import type { Server } from 'node:http';
import type { Logger } from '../logging/logger.js';

/** A step of orderly shutdown, run in the order given. */
export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let in-flight requests finish, then run the
 * steps (relays, consumers, pools, channels) in order, and exit. Everything is bounded by
 * `timeoutMs`; past that the process exits non-zero rather than hang an orchestrator.
 */
export function handleShutdown(options: {
  server?: Server;
  steps: ShutdownStep[];
  logger: Logger;
  timeoutMs?: number;
  exit?: (code: number) => void;
}) {
  const { logger } = options;
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  let exited = false;
  // Only the first verdict counts: a step finishing after the timeout must not turn exit(1) into exit(0).
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    exitProcess(code);
  };
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      exit(1);
    }, options.timeoutMs ?? 10_000);
    timer.unref();
    try {
      if (options.server) await closeServer(options.server);
      for (const step of options.steps) {
        try {
          await step.run();
        } catch (err) {
          logger.warn({ err, step: step.name }, 'shutdown step failed');
        }
      }
      logger.info('shutdown complete');
      clearTimeout(timer);
      exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return shutdown;
}

/** Stops accepting, closes idle keep-alive sockets now and busy ones once their response is sent. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // A keep-alive socket whose response finishes after close() turns idle and would hold the
    // server open until its keep-alive timeout; sweep idle sockets until the server has closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
