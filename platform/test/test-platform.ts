import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '@secureevent/contracts';
import type { AttachedUpgrades } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { loadPlatformConfig, type PlatformConfig } from '../src/config.js';
import { startPlatform, type Platform } from '../src/platform.js';

/** An ISO instant `days` from now. */
export const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** The password every user made by `signUp` has. */
export const USER_PASSWORD = 'a long user password';

/** An Authorization header for a bearer token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A platform started for one test file, over that file's isolated adapters, and what its tests need. */
export interface TestPlatform {
  env: TestEnv;
  platform: Platform;
  app: Express;
  config: PlatformConfig;
  dataDir: string;
  admin: { email: string; password: string };
  /** An access token for `email`. */
  signIn(email: string, password?: string): Promise<string>;
  /** Signs a new user up (role attendee) and returns its id. */
  signUp(email: string, displayName?: string): Promise<string>;
  /** Signs a new user up, gives it exactly `roles` (as the admin) and signs it in. */
  userWithRoles(email: string, roles: readonly Role[]): Promise<{ id: string; token: string }>;
  /** Creates an event as `token` (defaults that any test may override) and publishes it unless `draft`. */
  createEvent(token: string, overrides?: Record<string, unknown>, options?: { draft?: boolean }): Promise<{ id: string }>;
  /** Serves the app on a loopback port with upgrades (`/ws`) attached; closed by `stop`. */
  listen(): Promise<{ base: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the embedded platform the way `npm start` does, over a test env (real servers when
 * their URLs are set, embedded adapters otherwise), with a bootstrap admin.
 */
export async function startTestPlatform(name: string, extraEnv: Record<string, string> = {}): Promise<TestPlatform> {
  const env = await createTestEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), `secureevent-${name}-`));
  const admin = { email: 'admin@secureevent.test', password: 'a long and unusual passphrase' };
  const config = loadPlatformConfig({
    DATA_DIR: dataDir,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    SPA_DIR: dataDir,
    ...extraEnv,
  });
  const platform = await startPlatform(config, env.logger, { database: env.database, transport: env.transport, cache: env.adapters.cache });
  const app = platform.app;
  let server: { http: http.Server; upgrades: AttachedUpgrades } | undefined;

  const signIn = async (email: string, password = USER_PASSWORD) => {
    const res = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    return res.body.accessToken as string;
  };
  const signUp = async (email: string, displayName = email.split('@')[0]!) => {
    const res = await request(app).post('/api/auth/register').send({ email, password: USER_PASSWORD, displayName }).expect(201);
    return res.body.id as string;
  };

  return {
    env,
    platform,
    app,
    config,
    dataDir,
    admin,
    signIn,
    signUp,
    async userWithRoles(email, roles) {
      const id = await signUp(email);
      const adminToken = await signIn(admin.email, admin.password);
      await request(app).patch(`/api/users/${id}/roles`).set(bearer(adminToken)).send({ roles }).expect(200);
      return { id, token: await signIn(email) };
    },
    async createEvent(token, overrides = {}, options = {}) {
      const created = await request(app)
        .post('/api/events')
        .set(bearer(token))
        .send({
          title: 'Test event',
          startsAt: future(5),
          endsAt: future(5.1),
          timeZone: 'UTC',
          venue: 'Hall A',
          capacity: 50,
          ...overrides,
        })
        .expect(201);
      if (!options.draft) await request(app).post(`/api/events/${created.body.id}/publish`).set(bearer(token)).expect(200);
      return { id: created.body.id as string };
    },
    async listen() {
      const httpServer = http.createServer(app);
      const upgrades = platform.attach(httpServer);
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      server = { http: httpServer, upgrades };
      return { base: `127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
    },
    async stop() {
      if (server) {
        await server.upgrades.closeAll();
        const s = server.http;
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await platform.stop();
      await env.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
