import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { vi } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import type { EventPublishedV1, Role, WsServerMessage } from '@secureevent/contracts';
import {
  ACCESS_TOKEN_ALG,
  attachUpgrades,
  createEnvelope,
  createTokenVerifier,
  newId,
  type Adapters,
  type Envelope,
} from '@secureevent/shared';
import { startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { testMailSettings } from './email.fixture.js';
import { createNotificationService, type NotificationServiceOptions } from '../src/service.js';

/**
 * Signs access tokens like the user-service, with a lifetime the test chooses (expiry tests need
 * seconds, not the test env's five minutes). Services under test verify with `verifier`.
 */
export async function createSigner() {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const kid = `rt-${randomUUID()}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  const verifier = createTokenVerifier({ keys: createLocalJWKSet({ keys: [jwk] }), issuer: 'secureevent', audience: 'secureevent-api' });
  return {
    verifier,
    /** The public key as a JWKS document, for services that fetch it over HTTP. */
    jwks: { keys: [jwk] },
    async token(user: { id?: string; roles?: Role[] }, ttlSeconds = 300) {
      const id = user.id ?? newId('usr');
      const token = await new SignJWT({ roles: user.roles ?? ['attendee'] })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid })
        .setSubject(id)
        .setIssuer('secureevent')
        .setAudience('secureevent-api')
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(privateKey);
      return { id, token };
    },
  };
}

/** A notification-service instance serving HTTP and `/ws` on a loopback port, as `runStandalone` wires it. */
export async function startRealtimeInstance(env: TestEnv, options: Partial<NotificationServiceOptions>, overrides: Partial<Adapters>) {
  // Mail is not what these tests look at: it goes to .eml files in a temporary directory.
  const mail = testMailSettings({ mailDir: path.join(os.tmpdir(), 'secureevent-realtime-mail') });
  const { app, booted, sdb } = await startServiceForTest(env, createNotificationService({ mail, ...options }), overrides);
  const server = http.createServer(app);
  const upgrades = attachUpgrades(server, booted.module.upgrade ? [booted.module.upgrade] : [], env.logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    app,
    sdb,
    url: `ws://127.0.0.1:${port}/ws`,
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      await upgrades.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await booted.stop();
    },
  };
}

type Frame = WsServerMessage;

/** A WebSocket client that records every frame and its close code. */
export class TestClient {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => this.frames.push(JSON.parse((data as Buffer).toString('utf8')) as Frame));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  }

  static async open(url: string, options: { autoPong?: boolean; headers?: Record<string, string> } = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true, ...(options.headers ? { headers: options.headers } : {}) });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the first frame after `from` (an index into `frames`) that matches. */
  async next<T extends Frame['type']>(type: T, match: (f: Extract<Frame, { type: T }>) => boolean = () => true, from = 0) {
    return vi.waitFor(
      () => {
        const found = this.frames.slice(from).find((f): f is Extract<Frame, { type: T }> => f.type === type && match(f as never));
        if (!found) throw new Error(`no ${type} frame yet; got ${JSON.stringify(this.frames.slice(from).map((f) => f.type))}`);
        return found;
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  /** Sends a frame and returns the first answer of one of `types` after it. */
  async request<T extends Frame['type']>(frame: unknown, ...types: T[]): Promise<Extract<Frame, { type: T }>> {
    const from = this.frames.length;
    this.send(frame);
    return vi.waitFor(
      () => {
        const found = this.frames.slice(from).find((f) => (types as string[]).includes(f.type));
        if (!found) throw new Error(`no answer to ${JSON.stringify(frame).slice(0, 80)}`);
        return found as Extract<Frame, { type: T }>;
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  /** Authenticates and waits for `ready`. */
  async auth(token: string, since?: string) {
    return this.request({ type: 'auth', token, ...(since ? { since } : {}) }, 'ready', 'error');
  }

  /** Subscribes and returns `subscribed` or the `error`. */
  async subscribe(room: string) {
    return this.request({ type: 'subscribe', room }, 'subscribed', 'error');
  }

  async closedWith(): Promise<number> {
    return vi.waitFor(
      () => {
        if (!this.closed) throw new Error('still open');
        return this.closed.code;
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Message factories; each call makes its own ids. */
export const messages = {
  published(over: { eventId?: string; visibility?: 'public' | 'internal' | 'private'; organizerIds?: string[]; at?: Date } = {}) {
    const eventId = over.eventId ?? newId('evt');
    const data: EventPublishedV1 = {
      eventId,
      title: 'Security Summit',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      timeZone: 'UTC',
      visibility: over.visibility ?? 'public',
      capacity: 100,
      organizerIds: over.organizerIds ?? [newId('usr')],
      publishedBy: newId('usr'),
      publishedAt: (over.at ?? new Date()).toISOString(),
    };
    return { ...createEnvelope('/secureevent/event-service', { type: 'event.published.v1', subject: eventId, data }), data } as Envelope & {
      data: EventPublishedV1;
    };
  },
  availability(eventId: string, confirmed: number, at = new Date(), visibility: 'public' | 'internal' | 'private' = 'public') {
    return createEnvelope('/secureevent/event-service', {
      type: 'event.availability_changed.v1',
      subject: eventId,
      data: { eventId, visibility, capacity: 100, confirmed, seatsLeft: 100 - confirmed, waitlisted: 0, at: at.toISOString() },
    });
  },
  registration(type: 'confirmed' | 'waitlisted' | 'promoted' | 'cancelled', eventId: string, userId: string) {
    return createEnvelope('/secureevent/event-service', {
      type: `registration.${type}.v1`,
      data: {
        registrationId: newId('reg'),
        eventId,
        userId,
        eventTitle: 'Security Summit',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        status: type === 'promoted' ? 'confirmed' : type,
        at: new Date().toISOString(),
      },
    });
  },
  updated(
    eventId: string,
    visibility: 'public' | 'internal' | 'private' = 'public',
    over: { changed?: string[]; organizerIds?: string[]; at?: Date } = {},
  ) {
    return createEnvelope('/secureevent/event-service', {
      type: 'event.updated.v1',
      subject: eventId,
      data: {
        eventId,
        title: 'Security Summit (moved)',
        startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 2 * 90_000_000).toISOString(),
        timeZone: 'UTC',
        visibility,
        changed: over.changed ?? ['startsAt', 'endsAt'],
        registeredUserIds: [],
        ...(over.organizerIds ? { organizerIds: over.organizerIds } : {}),
        updatedBy: newId('usr'),
        updatedAt: (over.at ?? new Date()).toISOString(),
      },
    });
  },
  cancelled(eventId: string, at = new Date()) {
    return createEnvelope('/secureevent/event-service', {
      type: 'event.cancelled.v1',
      subject: eventId,
      data: {
        eventId,
        title: 'Security Summit',
        visibility: 'public',
        registeredUserIds: [],
        cancelledBy: newId('usr'),
        cancelledAt: at.toISOString(),
      },
    });
  },
  checkin(eventId: string, checkedIn: number) {
    return createEnvelope('/secureevent/event-service', {
      type: 'checkin.recorded.v1',
      subject: eventId,
      data: {
        registrationId: newId('reg'),
        eventId,
        userId: newId('usr'),
        checkedInBy: newId('usr'),
        checkedInAt: new Date().toISOString(),
        checkedIn,
      },
    });
  },
  undone(eventId: string, registrationId: string, checkedIn: number) {
    return createEnvelope('/secureevent/event-service', {
      type: 'checkin.undone.v1',
      subject: registrationId,
      data: {
        registrationId,
        eventId,
        userId: newId('usr'),
        undoneBy: newId('usr'),
        undoneAt: new Date().toISOString(),
        checkedInAt: new Date(Date.now() - 60_000).toISOString(),
        checkedIn,
      },
    });
  },
  rolesChanged(userId: string) {
    return createEnvelope('/secureevent/user-service', {
      type: 'user.roles_changed.v1',
      data: {
        userId,
        roles: ['attendee', 'organizer'],
        previousRoles: ['attendee'],
        changedBy: newId('usr'),
        changedAt: new Date().toISOString(),
      },
    });
  },
};
