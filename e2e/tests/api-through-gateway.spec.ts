import { expect, test } from '@playwright/test';
import { admin } from '../playwright.config.js';

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

/** The identity and registration flows over HTTP through the gateway (embedded launcher or nginx). */
test('when a person signs up, signs in, refreshes and signs out through the gateway, then every step answers as documented', async ({
  request,
}) => {
  const email = `person.${unique()}@example.com`;
  const password = 'a perfectly fine passphrase';
  expect((await request.post('/api/auth/register', { data: { email, password, displayName: 'E2E Person' } })).status()).toBe(201);

  const login = await request.post('/api/auth/login', { data: { email, password, tokenDelivery: 'body' } });
  expect(login.status()).toBe(200);
  const tokens = await login.json();
  expect(tokens.refreshToken).toMatch(/^rft_/);

  const me = await request.get('/api/users/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } });
  expect((await me.json()).email).toBe(email);

  const refreshed = await request.post('/api/auth/refresh', { data: { refreshToken: tokens.refreshToken } });
  expect(refreshed.status()).toBe(200);
  const next = await refreshed.json();
  expect(next.refreshToken).not.toBe(tokens.refreshToken);

  expect((await request.post('/api/auth/logout', { data: { refreshToken: next.refreshToken } })).status()).toBe(204);
  expect((await request.post('/api/auth/refresh', { data: { refreshToken: next.refreshToken } })).status()).toBe(401);

  const jwks = await request.get('/api/auth/.well-known/jwks.json');
  expect((await jwks.json()).keys.length).toBeGreaterThan(0);

  // Admin routes answer the admin and refuse the attendee, through the same gateway.
  const adminLogin = await (await request.post('/api/auth/login', { data: admin })).json();
  const found = await request.get('/api/users', { headers: { authorization: `Bearer ${adminLogin.accessToken}` }, params: { q: email } });
  expect((await found.json()).items.map((u: { email: string }) => u.email)).toEqual([email]);
  const again = await (await request.post('/api/auth/login', { data: { email, password, tokenDelivery: 'body' } })).json();
  expect((await request.get('/api/users', { headers: { authorization: `Bearer ${again.accessToken}` } })).status()).toBe(403);
  expect((await request.get('/api/audit', { headers: { authorization: `Bearer ${again.accessToken}` } })).status()).toBe(403);
});

test('when an attendee registers for a small event through the gateway, then they get a QR ticket that checks in exactly once', async ({
  request,
}) => {
  const adminLogin = await (await request.post('/api/auth/login', { data: admin })).json();
  const adminAuth = { authorization: `Bearer ${adminLogin.accessToken}` };
  const created = await request.post('/api/events', {
    headers: adminAuth,
    data: {
      title: `Door test ${unique()}`,
      startsAt: inDays(2),
      endsAt: inDays(2.1),
      timeZone: 'Europe/Paris',
      venue: 'Lobby',
      capacity: 1,
    },
  });
  const eventId = (await created.json()).id as string;
  expect((await request.post(`/api/events/${eventId}/publish`, { headers: adminAuth })).status()).toBe(200);

  const people = [];
  for (const name of ['first', 'second']) {
    const email = `${name}.${unique()}@example.com`;
    const signUp = await request.post('/api/auth/register', {
      data: { email, password: 'a perfectly fine passphrase', displayName: name },
    });
    expect(signUp.status()).toBe(201);
    const login = await request.post('/api/auth/login', {
      data: { email, password: 'a perfectly fine passphrase', tokenDelivery: 'body' },
    });
    expect(login.status()).toBe(200);
    const t = await login.json();
    people.push({ authorization: `Bearer ${t.accessToken}` });
  }
  const first = await (await request.post(`/api/events/${eventId}/registrations`, { headers: people[0], data: {} })).json();
  const second = await (await request.post(`/api/events/${eventId}/registrations`, { headers: people[1], data: {} })).json();
  expect(first.status).toBe('confirmed');
  expect(second).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

  const svg = await request.get(`/api/registrations/${first.id}/ticket.svg`, { headers: people[0] });
  expect(svg.headers()['content-type']).toContain('image/svg+xml');
  expect(await svg.text()).toContain('<svg');

  const scan = await request.post(`/api/events/${eventId}/checkins`, { headers: adminAuth, data: { ticketToken: first.ticketToken } });
  expect(scan.status()).toBe(201);
  const again = await request.post(`/api/events/${eventId}/checkins`, { headers: adminAuth, data: { ticketToken: first.ticketToken } });
  expect(again.status()).toBe(409);
  expect((await again.json()).checkedInAt).toBeTruthy();

  // The first attendee leaves; the second is promoted at once.
  expect((await request.delete(`/api/registrations/${first.id}`, { headers: people[0] })).status()).toBe(200);
  const mine = await (await request.get('/api/registrations/mine', { headers: people[1] })).json();
  expect(mine.items.find((r: { eventId: string }) => r.eventId === eventId).status).toBe('confirmed');
});
