import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { closeServer, handleShutdown, type ShutdownStep } from './shutdown.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function captureLogs() {
  const lines: string[] = [];
  const logger = createLogger('shutdown-test', {
    destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) },
  });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/**
 * A server whose handler waits until the test releases it, so a request can be held in flight.
 * Its keep-alive timeout is long (as behind a load balancer), so a connection left open after its
 * response is only closed by closeServer itself, never by the timeout during the test.
 */
async function startSlowServer() {
  const entered = deferred();
  const release = deferred();
  const events: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/fast') return void res.end('fast');
    entered.resolve();
    void release.promise.then(() => {
      res.end('slow done', () => events.push('response sent'));
    });
  });
  server.keepAliveTimeout = 120_000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, entered, release, events };
}

function get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('closeServer', () => {
  const agents: http.Agent[] = [];
  const newAgent = () => {
    const agent = new http.Agent({ keepAlive: true });
    agents.push(agent);
    return agent;
  };
  afterEach(() => {
    for (const a of agents.splice(0)) a.destroy();
  });

  it('when a slow request is in flight, then it completes and then closeServer resolves', async () => {
    const { server, port, entered, release } = await startSlowServer();
    const inFlight = get(port, '/slow', newAgent());
    await entered.promise;

    let closed = false;
    void closeServer(server).then(() => (closed = true));
    await flush();
    expect(closed).toBe(false);

    release.resolve();
    const response = await inFlight;

    expect(response).toEqual({ status: 200, body: 'slow done' });
    // Polls for the close rather than timing it; the 120 s keep-alive timeout cannot be what closes it.
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: 3_000, interval: 50 });
  });

  it('when closeServer has been called, then new connections are refused while the in-flight request still finishes', async () => {
    const { server, port, entered, release } = await startSlowServer();
    const inFlight = get(port, '/slow', newAgent());
    await entered.promise;

    void closeServer(server);
    const late = get(port, '/fast', newAgent());

    await expect(late).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release.resolve();
    expect(await inFlight).toEqual({ status: 200, body: 'slow done' });
  });

  it('when a keep-alive client holds an idle connection, then closeServer still resolves', async () => {
    const { server, port } = await startSlowServer();
    const agent = newAgent();
    const first = await get(port, '/fast', agent);
    expect(first.body).toBe('fast');

    await closeServer(server);

    expect(server.listening).toBe(false);
  });
});

describe('handleShutdown', () => {
  let listenersBefore: { SIGTERM: NodeJS.SignalsListener[]; SIGINT: NodeJS.SignalsListener[] };

  beforeEach(() => {
    listenersBefore = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  });
  afterEach(() => {
    // handleShutdown registers process signal handlers; remove the ones this test added.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const l of process.listeners(signal)) {
        if (!listenersBefore[signal].includes(l)) process.removeListener(signal, l);
      }
    }
  });

  const recordingStep = (name: string, order: string[]): ShutdownStep => ({
    name,
    run: async () => {
      await new Promise((r) => setImmediate(r));
      order.push(name);
    },
  });

  it('when shutdown runs, then every step runs in the given order and exit(0) is called once, last', async () => {
    const order: string[] = [];
    const exit = vi.fn((code: number) => void order.push(`exit(${code})`));
    const { logger } = captureLogs();
    const shutdown = handleShutdown({
      logger,
      exit,
      steps: ['service', 'transport', 'database'].map((n) => recordingStep(n, order)),
    });

    await shutdown('SIGTERM');

    expect(order).toEqual(['service', 'transport', 'database', 'exit(0)']);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('when a step throws, then the later steps still run, the failure is logged by step name and exit(0) follows', async () => {
    const order: string[] = [];
    const exit = vi.fn();
    const logs = captureLogs();
    const shutdown = handleShutdown({
      logger: logs.logger,
      exit,
      steps: [
        recordingStep('service', order),
        {
          name: 'transport',
          run: async () => {
            throw new Error('channel already closed');
          },
        },
        recordingStep('database', order),
      ],
    });

    await shutdown('SIGTERM');

    expect(order).toEqual(['service', 'database']);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    expect(logs.records().find((r) => r.msg === 'shutdown step failed')).toMatchObject({ step: 'transport', level: 'warn' });
  });

  it('when a server is given, then its in-flight request finishes, the steps run and exit(0) follows', async () => {
    const { server, port, entered, release, events } = await startSlowServer();
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = get(port, '/slow', agent);
    await entered.promise;
    const exit = vi.fn();
    const { logger } = captureLogs();
    const shutdown = handleShutdown({
      server,
      logger,
      exit,
      steps: [{ name: 'service', run: async () => void events.push(`step service (listening: ${server.listening})`) }],
    });

    void shutdown('SIGTERM');
    await flush();
    expect(events).toEqual([]);
    release.resolve();
    expect((await inFlight).body).toBe('slow done');

    try {
      await vi.waitFor(() => expect(exit).toHaveBeenCalled(), { timeout: 3_000, interval: 50 });
      expect(events).toEqual(['response sent', 'step service (listening: false)']);
      expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    } finally {
      agent.destroy();
    }
  });

  it('when shutdown is triggered twice (SIGTERM then SIGINT), then the steps run once and exit is called once', async () => {
    const order: string[] = [];
    const exit = vi.fn();
    const { logger } = captureLogs();
    const shutdown = handleShutdown({ logger, exit, steps: [recordingStep('service', order)] });

    await Promise.all([shutdown('SIGTERM'), shutdown('SIGINT')]);

    expect(order).toEqual(['service']);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('when a step hangs past timeoutMs, then exit(1) is called instead of hanging', async () => {
    const exit = vi.fn();
    const { logger } = captureLogs();
    const shutdown = handleShutdown({
      logger,
      exit,
      timeoutMs: 50,
      steps: [{ name: 'stuck', run: () => new Promise<void>(() => undefined) }],
    });

    void shutdown('SIGTERM');

    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1), { timeout: 5_000 });
    expect(exit).not.toHaveBeenCalledWith(0);
  });

  it('when handleShutdown is set up, then it listens for SIGTERM and SIGINT', () => {
    const { logger } = captureLogs();

    handleShutdown({ logger, exit: vi.fn(), steps: [] });

    expect(process.listeners('SIGTERM').length).toBe(listenersBefore.SIGTERM.length + 1);
    expect(process.listeners('SIGINT').length).toBe(listenersBefore.SIGINT.length + 1);
  });
});
