import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { createSigner, startRealtimeInstance, TestClient } from './realtime.support.js';

describe('real-time gateway: connections per client address', () => {
  let env: TestEnv;
  let service: Awaited<ReturnType<typeof startRealtimeInstance>>;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    const signer = await createSigner();
    service = await startRealtimeInstance(env, { realtime: { limits: { maxConnectionsPerAddress: 2 } } }, { verifier: signer.verifier });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await service.stop();
    await env.close();
  });

  /** The test connects from loopback, a trusted proxy: the address is the forwarded one, as behind nginx. */
  const from = async (address: string) => {
    const c = await TestClient.open(service.url, { headers: { 'x-forwarded-for': address } });
    clients.push(c);
    return c;
  };
  const refused = (address: string) =>
    TestClient.open(service.url, { headers: { 'x-forwarded-for': address } }).then(
      (c) => {
        c.close();
        return 'accepted';
      },
      (err: Error) => err.message,
    );

  it('when one address holds the most connections it may, then its next upgrade is refused with 429 and other addresses still connect', async () => {
    await from('198.51.100.7');
    const second = await from('198.51.100.7');
    expect(await refused('198.51.100.7')).toMatch(/429/);
    // Everyone else behind other addresses is unaffected.
    await from('203.0.113.9');
    // A closed connection frees its slot.
    second.close();
    await expect.poll(() => refused('198.51.100.7'), { timeout: 5000 }).toBe('accepted');
  });
});
