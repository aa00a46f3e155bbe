import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { createSigner, startRealtimeInstance, TestClient } from './realtime.support.js';

/** Its own file: a stopped instance keeps its consumers on the test env's transport. */
describe('real-time gateway shutdown', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it('when the service shuts down, then its WebSocket clients are closed with 1001 and the port stops accepting', async () => {
    const signer = await createSigner();
    const instance = await startRealtimeInstance(env, {}, { verifier: signer.verifier });
    const user = await signer.token({});
    const c = await TestClient.open(instance.url);
    await c.auth(user.token);
    await instance.stop();
    expect(await c.closedWith()).toBe(1001);
    const late = new WebSocket(instance.url);
    const refused = await new Promise<string>((resolve) => {
      late.on('open', () => resolve('open'));
      late.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
