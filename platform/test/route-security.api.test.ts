import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Router } from 'express';
import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Role } from '@secureevent/contracts';
import { ACCESS_TOKEN_ALG, loadSigningKeys } from '@secureevent/shared';
import { routesUnderTest, runCommonRouteTests, type RouteUnderTest } from '@secureevent/shared/testing';
import { bearer, startTestPlatform } from './test-platform.js';

/*
 * The route-security suite, generated from every service's route table (unkey's
 * `runCommonRouteTests`): the routes come from the OpenAPI documents the route tables generate,
 * checked against the routers each service mounts, so a route added later is covered without
 * editing this file, and one the suite cannot call (an id it has no owner for, a body with
 * required fields and no example) fails here until it is given one.
 */
const t = await startTestPlatform('route-security');
const { app, env } = t;

const alice = await t.userWithRoles('alice@example.com', ['attendee', 'organizer']);
const mallory = await t.userWithRoles('mallory@example.com', ['attendee', 'organizer']);
const byRoles = new Map<string, string>([
  ['attendee,organizer', mallory.token],
  ['attendee', (await t.userWithRoles('ann@example.com', ['attendee'])).token],
  ['organizer', (await t.userWithRoles('olga@example.com', ['organizer'])).token],
]);

// What Alice owns: a draft, a published event she is registered for (her ticket), and the notification its publication brings her.
const draft = await t.createEvent(alice.token, { title: 'Alice draft' }, { draft: true });
const published = await t.createEvent(alice.token, { title: 'Alice published' });
const registration = await request(app).post(`/api/events/${published.id}/registrations`).set(bearer(alice.token)).send({}).expect(201);
const notificationId = await vi.waitFor(
  async () => {
    const inbox = await request(app).get('/api/notifications').set(bearer(alice.token)).expect(200);
    const n = (inbox.body.items as { id: string; link: string }[]).find((i) => i.link === `/events/${published.id}`);
    expect(n).toBeDefined();
    return n!.id;
  },
  { timeout: 20_000, interval: 100 },
);
const feed = await request(app).post('/api/calendar/feed-token').set(bearer(alice.token)).expect(201);
const draftTypeId = (await request(app).get(`/api/events/${draft.id}`).set(bearer(alice.token)).expect(200)).body.ticketTypes[0]
  .id as string;
const accessCode = await request(app)
  .post(`/api/events/${draft.id}/access-codes`)
  .set(bearer(alice.token))
  .send({ ticketTypeIds: [draftTypeId] })
  .expect(201);
const sessionOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;

// Tokens the platform must refuse: expired (its own key, issuer and audience) and signed by a key it does not trust.
const keys = await loadSigningKeys({ file: path.join(t.dataDir, 'jwt-signing-keys.json') });
const now = Math.floor(Date.now() / 1000);
const expired = await new SignJWT({ roles: ['attendee', 'organizer', 'admin'] })
  .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: keys.kid, typ: 'at+jwt' })
  .setSubject(alice.id)
  .setIssuer(t.config.JWT_ISSUER)
  .setAudience(t.config.JWT_AUDIENCE)
  .setIssuedAt(now - 3600)
  .setJti(randomUUID())
  .setExpirationTime(now - 1800)
  .sign(keys.signingKey);
const foreign = (await env.tokenFor({ id: alice.id, roles: ['attendee', 'organizer', 'admin'] })).token;

const routes: RouteUnderTest[] = t.platform.services.flatMap((s) =>
  routesUnderTest({ name: s.module.name, openapi: s.module.openapi, routers: s.module.routers }),
);

afterAll(async () => {
  const counts = [...new Set(routes.map((r) => r.service))].map((service) => {
    const rs = routes.filter((r) => r.service === service);
    const count = (p: (r: RouteUnderTest) => boolean) => rs.filter(p).length;
    return `${service} ${rs.length} routes (${count((r) => r.access !== 'public')} need a user, ${count((r) => Array.isArray(r.access))} a role, ${count((r) => r.pathParams.length > 0)} take an id)`;
  });
  console.log(`route-security: ${counts.join('; ')}`);
  await t.stop();
});

describe('route security, generated from every route table', () => {
  it('when the platform is up, then every service contributes routes, among them routes that need a user', () => {
    const services = new Set(routes.map((r) => r.service));
    expect([...services].sort()).toEqual(['audit-service', 'event-service', 'notification-service', 'user-service']);
    for (const service of services) expect(routes.some((r) => r.service === service && r.access !== 'public')).toBe(true);
  });

  it('when a service serves a route outside its route tables, then the suite refuses to run', () => {
    const service = t.platform.services[0]!.module;
    const hidden = Router().get('/api/hidden', (_req, res) => void res.end());
    const routers = [...service.routers, Router().use(hidden)];
    expect(() => routesUnderTest({ name: service.name, openapi: service.openapi, routers })).toThrow(
      /outside a route table: get \/api\/hidden\./,
    );
  });

  runCommonRouteTests({
    app,
    routes,
    tokens: {
      expired,
      foreign,
      other: mallory.token,
      withRoles: (roles: readonly Role[]) => byRoles.get([...roles].sort().join(',')),
    },
    ids: {
      // A draft is seen only by its managers: to anyone else it does not exist, so every route
      // that names it (read, edit, publish, register, check in, export) answers 404, never 403.
      evt: { value: draft.id, status: 404, code: 'NOT_FOUND', why: 'another organizer’s draft is not revealed' },
      // A registration is its holder’s (and its event’s managers’): to anyone else, 404.
      reg: {
        value: registration.body.id as string,
        status: 404,
        code: 'NOT_FOUND',
        why: 'another attendee’s registration is not revealed',
      },
      // A notification is its recipient’s only: 404, so ids cannot be probed.
      ntf: { value: notificationId, status: 404, code: 'NOT_FOUND', why: 'another user’s notification is not revealed' },
      // Only the co-organizer routes take a user id next to an event id; the event decides (above).
      usr: { value: alice.id, status: 404, code: 'NOT_FOUND', why: 'the event named with it is another organizer’s draft' },
      // A session (refresh-token family) is its user's only: ending another's is a 404, so ids cannot be probed.
      fam: { value: sessionOf(alice.token), status: 404, code: 'NOT_FOUND', why: 'another user’s session is not revealed' },
      // An access code is named only next to its event, which decides (another organizer’s draft: 404).
      acc: {
        value: accessCode.body.id as string,
        status: 404,
        code: 'NOT_FOUND',
        why: 'the event named with it is another organizer’s draft',
      },
    },
    capabilities: {
      // ADR 0010: the feed URL is the secret, so whoever holds it may read it; nothing to own.
      token: { value: /\/feed\/([^/]+)\.ics$/.exec(feed.body.url as string)![1]!, why: 'a secret URL' },
    },
    bodies: {
      checkIn: { ticketToken: registration.body.ticketToken as string },
      updateEvent: { title: 'Renamed by someone else' },
      addCoOrganizer: { userId: mallory.id },
      createAccessCode: { ticketTypeIds: [draftTypeId] },
      approveRegistrations: { ids: [registration.body.id as string] },
      rejectRegistrations: { ids: [registration.body.id as string] },
    },
    queries: {
      searchCheckinAttendees: { q: 'alice' },
      countAuditEntries: { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' },
    },
  });
});
