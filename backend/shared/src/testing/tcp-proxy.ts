import net from 'node:net';

/** A proxied connection: the client's socket and, unless it arrived in a black hole, the upstream one. */
interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
  /** Bytes are being dropped (black hole): the pair is torn down on restore. */
  holed: boolean;
}

/** A TCP proxy in front of a real server, with switches for the two ways a network fails. */
export interface TcpProxy {
  port: number;
  /** Resets every open connection and refuses new ones (a crashed server, a reset by a firewall). */
  cut(): void;
  /**
   * Keeps every connection open and accepts new ones, but drops every byte in both directions
   * (a silent network: nothing answers, nothing fails, until a timeout says so).
   */
  blackHole(): void;
  /** Back to normal. Connections that were black-holed are closed (their streams lost bytes). */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real server (RabbitMQ, PostgreSQL, Redis) that a test can cut,
 * black-hole and restore, to prove behaviour while a dependency is unreachable.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: 'up' | 'cut' | 'black-hole' = 'up';
  const teardown = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };
  const server = net.createServer((client) => {
    if (mode === 'cut') return client.destroy();
    const pair: Pair = { client, holed: mode === 'black-hole' };
    pairs.add(pair);
    client.on('error', () => teardown(pair)).on('close', () => teardown(pair));
    if (pair.holed) {
      // Accepted, and then nothing: the server never answers.
      client.on('data', () => undefined);
      return;
    }
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => teardown(pair)).on('close', () => teardown(pair));
    // Not pipe(): in a black hole the bytes must vanish rather than queue up.
    client.on('data', (chunk: Buffer) => {
      if (!pair.holed) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.holed) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: TcpProxy = {
    port,
    cut() {
      mode = 'cut';
      for (const p of [...pairs]) {
        // A reset, not a polite FIN: what a crashed peer or a firewall sends.
        for (const socket of [p.client, p.upstream]) {
          try {
            socket?.resetAndDestroy();
          } catch {
            socket?.destroy();
          }
        }
        teardown(p);
      }
    },
    blackHole() {
      mode = 'black-hole';
      for (const p of pairs) p.holed = true;
    },
    restore() {
      mode = 'up';
      for (const p of [...pairs]) if (p.holed) teardown(p);
    },
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
