import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { createFreshDatabase } from './support/database.js';

/**
 * Drives Debian's Chromium (never a downloaded browser) against the running platform.
 * By default the suite starts the embedded platform itself; E2E_MODE=distributed starts the
 * four services behind nginx instead; E2E_BASE_URL points it at a platform already running.
 */
const port = Number(process.env.E2E_PORT ?? 8181);
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`;
const repoRoot = path.resolve(import.meta.dirname, '..');
const distributed = process.env.E2E_MODE === 'distributed';
export const admin = { email: 'e2e-admin@secureevent.test', password: 'e2e admin password' };

// A real PostgreSQL (distributed mode always uses one) gets a fresh database per run; see
// support/database.ts. The config is loaded again in each worker: they reuse the main process's.
const startsServer = !process.env.E2E_BASE_URL;
// Set once in the main process, so the workers (which load this file again) find the same
// directory, and the mail the platform writes there (support/mailbox.ts).
if (startsServer) process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'secureevent-e2e-'));
const baseDatabaseUrl = process.env.DATABASE_URL || (distributed ? 'postgres://postgres@127.0.0.1:5432/test' : undefined);
if (startsServer && baseDatabaseUrl && !process.env.E2E_DATABASE_URL) {
  process.env.E2E_DATABASE_URL = createFreshDatabase(baseDatabaseUrl);
}

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_BIN ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  globalTeardown: './support/global-teardown.ts',
  webServer: !startsServer
    ? undefined
    : {
        command: distributed ? 'node platform/scripts/start-distributed.mjs' : 'node platform/dist/main.js',
        cwd: repoRoot,
        // The gateway answers /healthz itself once every service behind it is ready.
        url: `${baseURL}/healthz`,
        timeout: 120_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
        env: {
          ...(process.env as Record<string, string>),
          ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
          PORT: String(port),
          GATEWAY_PORT: String(port),
          DATA_DIR: process.env.E2E_DATA_DIR!,
          ADMIN_EMAIL: admin.email,
          ADMIN_PASSWORD: admin.password,
          // Every sign-up of the suite comes from loopback, and with Redis the hourly counter
          // outlives a run: the production default (20 an hour) would trip across runs.
          SIGNUPS_PER_IP_PER_HOUR: '100000',
          LOG_LEVEL: 'warn',
        },
      },
});
