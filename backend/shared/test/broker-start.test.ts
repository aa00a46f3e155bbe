import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import amqp from 'amqplib';
import { createEnvelope, createLogger, MAX_DELIVERY_ATTEMPTS, startAmqpTransport, type Transport } from '@secureevent/shared';
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

  it('when a quorum queue keeps getting a message back unsettled, then the broker dead-letters it after the delivery limit', async () => {
    const quorumExchange = `${exchange}.quorum`;
    const transport = await startAmqpTransport({ url: target.toString(), logger, exchange: quorumExchange, queueType: 'quorum' });
    await transport.subscribe({ queue: 'poison-test.recorder', bindings: ['test_item.created.v1'], handle: async () => 'ack' });
    // Stop consuming through the transport, keeping its queues; a raw consumer then plays a handler that never settles.
    await transport.close();
    const queue = `${quorumExchange}.poison-test.recorder`;
    const conn = await amqp.connect(target.toString());
    try {
      const ch = await conn.createConfirmChannel();
      ch.publish(quorumExchange, 'test_item.created.v1', Buffer.from('{}'), { messageId: 'poison' });
      await ch.waitForConfirms();
      let deliveries = 0;
      for (;;) {
        const msg = await ch.get(queue, { noAck: false });
        if (msg === false) break;
        deliveries += 1;
        ch.nack(msg, false, true);
        expect(deliveries).toBeLessThanOrEqual(MAX_DELIVERY_ATTEMPTS + 1);
        await vi.waitFor(async () =>
          expect((await ch.checkQueue(queue)).messageCount + (await ch.checkQueue(`${queue}.dlq`)).messageCount).toBe(1),
        );
      }
      expect(deliveries).toBeGreaterThan(1);
      expect((await ch.checkQueue(`${queue}.dlq`)).messageCount).toBe(1);
      for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q);
      await ch.deleteExchange(quorumExchange);
      await ch.deleteExchange(`${quorumExchange}.dlx`);
    } finally {
      await conn.close();
    }
  });
});
