import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, createLogger, startAmqpTransport, type Transport } from '@secureevent/shared';
import { startTcpProxy, type TcpProxy } from '@secureevent/shared/testing';

const logger = createLogger('broker-start-test', { level: 'silent' });

/** Needs a RabbitMQ server. */
describe.skipIf(!process.env.AMQP_URL)('RabbitMQ unreachable when a service starts', () => {
  const proxies: TcpProxy[] = [];
  const transports: Transport[] = [];
  const exchange = `secureevent.test.start.${randomBytes(5).toString('hex')}`;
  const target = new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1');

  afterAll(async () => {
    for (const p of proxies) p.restore();
    for (const t of transports) await t.close().catch(() => undefined);
    for (const p of proxies) await p.close();
  });

  it('when the broker cannot be reached at start, then the transport starts degraded, and consumes and publishes once the broker is back', async () => {
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5672) });
    proxies.push(proxy);
    proxy.cut();
    const url = new URL(target);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const transport = await startAmqpTransport({ url: url.toString(), logger, exchange, deleteOnClose: true });
    transports.push(transport);
    await expect(transport.ping()).rejects.toThrow();
    const received: string[] = [];
    await transport.subscribe({
      queue: 'start-test.recorder',
      bindings: ['test_item.created.v1'],
      handle: async (body) => {
        received.push((JSON.parse(body.toString('utf8')) as { id: string }).id);
        return 'ack';
      },
    });

    proxy.restore();
    await vi.waitFor(() => expect(transport.ping()).resolves.toBeUndefined(), { timeout: 20_000, interval: 200 });
    const envelope = createEnvelope('/secureevent/test', { type: 'test_item.created.v1', data: { marker: 'x' } });
    await transport.publish(envelope);
    await vi.waitFor(() => expect(received).toContain(envelope.id), { timeout: 10_000, interval: 50 });
  });

  it('when the broker refuses the credentials, then start fails at once instead of running degraded', async () => {
    const url = new URL(target);
    url.username = 'nobody';
    url.password = 'not-the-password';
    await expect(startAmqpTransport({ url: url.toString(), logger, exchange })).rejects.toThrow(/ACCESS_REFUSED|403/);
  });
});
