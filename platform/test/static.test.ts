import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { loadPlatformConfig } from '../src/config.js';
import { startPlatform, type Platform } from '../src/platform.js';

/** How the embedded gateway serves the web app's files. */
describe('platform: the web app’s files', () => {
  let env: TestEnv;
  let platform: Platform;
  let dataDir: string;
  let spaDir: string;
  const script = `console.log(${JSON.stringify('SecureEvent '.repeat(2000))});\n`;

  beforeAll(async () => {
    env = await createTestEnv();
    dataDir = mkdtempSync(path.join(tmpdir(), 'secureevent-platform-'));
    spaDir = mkdtempSync(path.join(tmpdir(), 'secureevent-spa-'));
    writeFileSync(path.join(spaDir, 'index.html'), '<!doctype html><title>SecureEvent</title><script src="main-ABCD1234.js"></script>');
    writeFileSync(path.join(spaDir, 'main-ABCD1234.js'), script);
    const config = loadPlatformConfig({ DATA_DIR: dataDir, SPA_DIR: spaDir });
    platform = await startPlatform(config, env.logger, { database: env.database, transport: env.transport, cache: env.adapters.cache });
  });
  afterAll(async () => {
    await platform.stop();
    await env.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(spaDir, { recursive: true, force: true });
  });

  it('when a browser that accepts gzip loads a script, then it arrives compressed, cached for a year and byte-for-byte the same', async () => {
    const res = await request(platform.app).get('/main-ABCD1234.js').set('accept-encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.text).toBe(script); // supertest inflates it
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('when a deep link is opened, then the shell is served, compressed and never cached', async () => {
    const res = await request(platform.app).get('/events/evt_x').set('accept', 'text/html').set('accept-encoding', 'gzip').expect(200);
    expect(res.text).toContain('<title>SecureEvent</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('when the API answers, then it is not compressed (small answers; hot reads come from the response cache)', async () => {
    const res = await request(platform.app).get('/api/events').set('accept-encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});
