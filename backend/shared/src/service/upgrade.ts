import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import proxyaddr from 'proxy-addr';
import type { Logger } from '../logging/logger.js';

/**
 * A service's handler for HTTP upgrades on one exact path (the notification-service's WebSocket
 * at `/ws`). Express never sees upgrades: whoever owns the `http.Server` (the platform launcher,
 * `runStandalone`, a test) routes them here with `attachUpgrades`.
 */
export interface UpgradeHandler {
  /** The exact request path, without query string, e.g. `/ws`. */
  path: string;
  /**
   * Takes over the socket (complete the handshake or write an HTTP error and destroy it).
   * `clientAddress` is the client's address as the HTTP app sees it (X-Forwarded-For from a
   * trusted proxy only, like `req.ip`), for per-client limits.
   */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, clientAddress: string): void;
  /**
   * Closes every live upgraded connection. `server.close()` waits for them (they are still the
   * server's connections), so shutdown calls this alongside it.
   */
  closeAll(): Promise<void>;
}

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`). */
export type TrustProxy = (address: string, hop: number) => boolean;

/** What `attachUpgrades` returns: the shutdown half. */
export interface AttachedUpgrades {
  /** Closes the live connections of every handler. */
  closeAll(): Promise<void>;
}

/**
 * Routes `upgrade` requests of `server` to the handler whose path matches; any other path gets
 * a plain 404 and the socket is destroyed (once an `upgrade` listener exists Node no longer
 * answers such requests itself). A handler that throws only costs that one socket.
 */
export function attachUpgrades(
  server: Server,
  handlers: readonly UpgradeHandler[],
  logger: Logger,
  /** Which proxies may name the client (the Express app's compiled `trust proxy fn`); default: loopback. */
  trust: TrustProxy = proxyaddr.compile('loopback'),
): AttachedUpgrades {
  if (handlers.length > 0) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Before a handler owns the socket, a reset by the client must not become an uncaught error.
      socket.on('error', () => socket.destroy());
      const path = (req.url ?? '/').split('?')[0];
      const handler = handlers.find((h) => h.path === path);
      if (!handler) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      try {
        handler.handle(req, socket, head, proxyaddr(req, trust));
      } catch (err) {
        logger.error({ err, path }, 'upgrade handler failed');
        socket.destroy();
      }
    });
  }
  return {
    async closeAll() {
      await Promise.all(handlers.map((h) => h.closeAll()));
    },
  };
}
