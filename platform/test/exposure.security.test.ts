import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { loadPlatformConfig } from '../src/config.js';
import { startPlatform, type Platform } from '../src/platform.js';

/**
 * What the embedded platform exposes on its public port: not its metrics (they are on
 * METRICS_PORT, loopback), and no trust in X-Forwarded-For unless TRUST_PROXY names a proxy.
 */
describe('embedded platform: what the public port exposes', () => {
  let env: TestEnv;
  let platform: Platform;
  let dataDir: string;

  beforeAll(async () => {
    env = await createTestEnv();
    dataDir = mkdtempSync(path.join(tmpdir(), 'secureevent-exposure-'));
    const config = loadPlatformConfig({ DATA_DIR: dataDir, SPA_DIR: dataDir, SIGNUPS_PER_IP_PER_HOUR: '1' });
    platform = await startPlatform(config, env.logger, { database: env.database, transport: env.transport, cache: env.adapters.cache });
  });
  afterAll(async () => {
    await platform?.stop();
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when /metrics is requested on the public port, then it is 404; the metrics app serves it', async () => {
    const pub = await request(platform.app).get('/metrics');
    expect(pub.status).toBe(404);
    expect(pub.text).not.toContain('http_request_duration_seconds');

    const metrics = await request(platform.metricsApp).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
    expect(metrics.text).toContain('secureevent_dependency_up{service="platform",dependency="database"} 1');
    await request(platform.metricsApp).get('/api/events').expect(404);
  });

  it('when a direct client sends X-Forwarded-For with a fresh address, then the sign-up limit still counts its real address', async () => {
    const signUp = (forwardedFor: string) =>
      request(platform.app)
        .post('/api/auth/register')
        .set('x-forwarded-for', forwardedFor)
        .send({ email: `xff.${randomBytes(5).toString('hex')}@example.com`, password: 'a long user password', displayName: 'Spoofer' });
    // One sign-up per address per hour here: a forged address per request must not buy another.
    expect((await signUp('198.51.100.1')).status).toBe(201);
    const second = await signUp('198.51.100.2');
    expect(second.status).toBe(429);
    expect(second.body.code).toBe('RATE_LIMITED');
  });

  it('when METRICS_PORT is not a port, then the configuration is refused naming it; by default metrics go to loopback:9464', () => {
    expect(() => loadPlatformConfig({ METRICS_PORT: 'public' })).toThrow(ConfigError);
    expect(() => loadPlatformConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
    expect(loadPlatformConfig({})).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '127.0.0.1', TRUST_PROXY: false });
    expect(loadPlatformConfig({ METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  });
});
