#!/usr/bin/env node
// Drives the running images through the gateway container like a browser would: the web app and
// the API reference load, the bootstrap admin signs in, creates and publishes an event, a new user
// signs up, signs in and registers for it (confirmed, with a ticket), and the audit chain is intact.
// Used by deploy/containers/test-images.sh; exits 1 naming the first step that failed.
//   node deploy/containers/smoke.mjs <gateway base URL> <admin email> <admin password>

const [base, adminEmail, adminPassword] = process.argv.slice(2);
if (!base || !adminEmail || !adminPassword) {
  process.stderr.write('usage: smoke.mjs <gateway base URL> <admin email> <admin password>\n');
  process.exit(2);
}

function fail(step, detail) {
  process.stderr.write(`smoke: ${step}: ${detail}\n`);
  process.exit(1);
}

async function call(step, method, path, { token, body, expect }) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!expect.includes(res.status))
    fail(step, `${method} ${path} answered ${res.status}, expected ${expect.join(' or ')}: ${text.slice(0, 300)}`);
  process.stdout.write(`smoke: ${step}: ${res.status}\n`);
  try {
    return { res, json: JSON.parse(text) };
  } catch {
    return { res, text };
  }
}

const days = (n) => new Date(Date.now() + n * 86_400_000).toISOString();

const spa = await call('web app', 'GET', '/', { expect: [200] });
if (!String(spa.text).includes('<app-root')) fail('web app', 'index.html has no <app-root>');
await call('API reference', 'GET', '/api/docs/', { expect: [200] });
await call('unknown API path is problem+json', 'GET', '/api/no-such-thing', { expect: [404] });

const admin = await call('admin signs in', 'POST', '/api/auth/login', {
  body: { email: adminEmail, password: adminPassword },
  expect: [200],
});
const adminToken = admin.json.accessToken;
const event = await call('admin creates an event', 'POST', '/api/events', {
  token: adminToken,
  body: { title: 'Image smoke test', startsAt: days(7), endsAt: days(7.1), timeZone: 'UTC', venue: 'Container hall', capacity: 10 },
  expect: [201],
});
await call('admin publishes it', 'POST', `/api/events/${event.json.id}/publish`, { token: adminToken, expect: [200] });

const email = `image.smoke.${Date.now()}@example.com`;
const password = 'a long smoke-test password';
await call('a new user signs up', 'POST', '/api/auth/register', { body: { email, password, displayName: 'Smoke Test' }, expect: [201] });
const user = await call('the new user signs in', 'POST', '/api/auth/login', { body: { email, password }, expect: [200] });
const registration = await call('the new user registers', 'POST', `/api/events/${event.json.id}/registrations`, {
  token: user.json.accessToken,
  body: {},
  expect: [201],
});
if (registration.json.status !== 'confirmed') fail('the new user registers', `status ${registration.json.status}, expected confirmed`);
const mine = await call('the registration is listed', 'GET', '/api/registrations/mine', { token: user.json.accessToken, expect: [200] });
if (!mine.json.items.some((r) => r.id === registration.json.id)) fail('the registration is listed', 'not in /api/registrations/mine');

// The audit-service hears of the sign-ins and the publication over RabbitMQ: wait for its chain.
for (let attempt = 0; ; attempt++) {
  const trail = await call('audit trail', 'GET', '/api/audit', { token: adminToken, expect: [200] });
  if (trail.json.items.some((e) => e.type === 'event.published.v1' && e.subject === event.json.id)) break;
  if (attempt === 60) fail('audit trail', 'event.published.v1 not recorded within 30 s');
  await new Promise((r) => setTimeout(r, 500));
}
const verify = await call('audit chain verifies', 'GET', '/api/audit/verify', { token: adminToken, expect: [200] });
if (verify.json.valid !== true) fail('audit chain verifies', JSON.stringify(verify.json));
process.stdout.write('smoke: all steps passed\n');
