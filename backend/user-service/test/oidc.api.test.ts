import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import Provider, { type Account } from 'oidc-provider';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createTokenVerifier, type ServiceDb, type TokenVerifier } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { loadUserServiceConfig, oidcOptionsFrom } from '../src/config.js';
import type { UsersDb } from '../src/db/schema.js';
import { loadKeyStore } from '../src/keys/key-store.js';
import { userService } from '../src/service.js';

const CLIENT_ID = 'secureevent-test';
const CLIENT_SECRET = randomBytes(24).toString('hex');
const password = 'correct horse battery staple';

/** Claims the test provider knows about one person, by login (its `sub`). */
type PersonClaims = { email: string; email_verified: boolean; name?: string };

/** Cookies per host:port, as a browser keeps them (paths and flags ignored: the test is one browser per jar). */
class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.byHost.get(url.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(url: URL, name: string): string | undefined {
    return this.byHost.get(url.host)?.get(name);
  }

  set(url: URL, name: string, value: string): void {
    const cookies = this.byHost.get(url.host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.byHost.set(url.host, cookies);
  }

  store(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some(
        (a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice('expires='.length)) <= Date.now()),
      );
      if (expired || value === '') this.byHost.get(url.host)?.delete(name);
      else this.set(url, name, value);
    }
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('enterprise sign-in (OpenID Connect) against a real provider', () => {
  let env: TestEnv;
  let sdb: ServiceDb<UsersDb>;
  let verifier: TokenVerifier;
  let keys: Awaited<ReturnType<typeof loadKeyStore>>;
  let stop: () => Promise<void>;
  const servers: Server[] = [];
  let serviceUrl: string;
  let callbackUrl: string;
  let issuer: string;
  const people = new Map<string, PersonClaims>();

  beforeAll(async () => {
    env = await createTestEnv();
    keys = await loadKeyStore({});
    verifier = createTokenVerifier({ keys: keys.verificationKeys, issuer: 'secureevent', audience: 'secureevent-api' });

    // Both ports first: the provider must know our redirect URI, and we must know its issuer.
    const serviceServer = createServer();
    const providerServer = createServer();
    servers.push(serviceServer, providerServer);
    serviceUrl = await listen(serviceServer);
    issuer = await listen(providerServer);
    callbackUrl = `${serviceUrl}/api/auth/oidc/callback`;

    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [callbackUrl],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      findAccount: (_ctx, sub): Account | undefined => {
        const person = people.get(sub);
        return person && { accountId: sub, claims: () => ({ sub, ...person }) };
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      // Scope claims in the ID token itself, as Auth0, Keycloak and Entra ID send them.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: true } },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-idp' }] },
    });
    providerServer.on('request', provider.callback());

    const config = loadUserServiceConfig({
      PUBLIC_URL: serviceUrl,
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_LOGIN_LABEL: 'Sign in with Example Corp',
    });
    const started = await startServiceForTest(
      env,
      userService({ keys, issuer: 'secureevent', audience: 'secureevent-api', oidc: oidcOptionsFrom(config) }),
      { verifier },
    );
    serviceServer.on('request', started.app);
    sdb = started.sdb;
    stop = () => started.booted.stop();
  });

  afterAll(async () => {
    for (const s of servers) await close(s);
    await stop();
    await env.close();
  });

  const uniqueEmail = (prefix: string) => `${prefix}.${randomBytes(4).toString('hex')}@example.com`;

  /** A person at the provider; returns their login (subject). */
  function personAtProvider(claims: PersonClaims): string {
    const login = `emp-${randomBytes(6).toString('hex')}`;
    people.set(login, claims);
    return login;
  }

  async function send(jar: CookieJar, url: URL, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(url), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    jar.store(url, res);
    return res;
  }

  /**
   * Does what a browser and a person do: GET /start, follow the provider's redirects, fill in its
   * login and consent forms. Returns the URL the provider sends the browser back to (not yet opened).
   */
  async function throughProvider(jar: CookieJar, login: string, startPath = '/api/auth/oidc/start'): Promise<URL> {
    let url = new URL(startPath, serviceUrl);
    let res = await send(jar, url);
    expect(res.status).toBe(302);
    for (let hop = 0; hop < 12; hop++) {
      url = new URL(res.headers.get('location') ?? '', url);
      if (url.href.startsWith(callbackUrl)) return url;
      res = await send(jar, url);
      if (res.status === 200) {
        const page = await res.text();
        const prompt = page.includes('name="prompt" value="login"') ? 'login' : 'consent';
        res = await send(jar, url, prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
      }
      if (res.status < 300 || res.status >= 400) throw new Error(`provider answered ${res.status}: ${await res.text()}`);
    }
    throw new Error('too many redirects at the provider');
  }

  /** The whole flow; returns our callback's answer. */
  async function signInWithProvider(login: string, options: { jar?: CookieJar; startPath?: string } = {}) {
    const jar = options.jar ?? new CookieJar();
    const back = await throughProvider(jar, login, options.startPath);
    const res = await send(jar, back);
    return { res, jar };
  }

  async function refresh(jar: CookieJar): Promise<Response> {
    const url = new URL('/api/auth/refresh', serviceUrl);
    return fetch(url, { method: 'POST', headers: { cookie: jar.header(url), 'content-type': 'application/json' }, body: '{}' });
  }

  /** The user id behind a signed-in jar, read from a freshly refreshed access token. */
  async function signedInUserId(jar: CookieJar): Promise<string> {
    const res = await refresh(jar);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accessToken: string };
    return decodeJwt(body.accessToken).sub!;
  }

  const outboxFor = async (subject: string) => {
    const { rows } = await sql<{ type: string; envelope: { data: Record<string, unknown> } }>`
      select type, envelope from ${sql.id(sdb.schema, 'outbox')} where envelope->>'subject' = ${subject} order by id`.execute(sdb.db);
    return rows;
  };
  const auditFailures = async (reason: string) => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'action' = 'auth.oidc_login' and envelope->'data'->>'reason' = ${reason}`.execute(
      sdb.db,
    );
    return rows[0]!.n;
  };
  const usersWithEmail = (email: string) => sdb.db.selectFrom('users').selectAll().where('email', '=', email).execute();

  it('when the web app asks, then enterprise sign-in is enabled with its start URL and label', async () => {
    const res = await fetch(new URL('/api/auth/oidc/config', serviceUrl));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ enabled: true, startUrl: '/api/auth/oidc/start', label: 'Sign in with Example Corp' });
  });

  it('when sign-in starts, then the browser goes to the provider with code flow, PKCE S256, state and nonce, holding a Lax state cookie', async () => {
    const res = await fetch(new URL('/api/auth/oidc/start', serviceUrl), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: callbackUrl,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('se_oidc_state='))!;
    expect(cookie).toContain(`se_oidc_state=${location.searchParams.get('state')}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/api\/auth\/oidc/i);
  });

  it('when a new person signs in, then an attendee without a password is created, user.registered.v1 is in the outbox and the session is theirs', async () => {
    const email = uniqueEmail('new');
    const login = personAtProvider({ email, email_verified: true, name: 'Ada Lovelace' });

    const { res, jar } = await signInWithProvider(login);

    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.getSetCookie().find((c) => c.startsWith('se_refresh='))).toMatch(/HttpOnly/i);
    const [user] = await usersWithEmail(email);
    expect(user).toMatchObject({ display_name: 'Ada Lovelace', roles: ['attendee'], password_hash: null });
    expect(await signedInUserId(jar)).toBe(user!.id);
    const identity = await sdb.db.selectFrom('identities').selectAll().where('user_id', '=', user!.id).executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ issuer, subject: login });
    const types = (await outboxFor(user!.id)).map((r) => r.type);
    expect(types).toContain('user.registered.v1');
    expect(types).toContain('audit.recorded.v1');
  });

  it('when an account made by enterprise sign-in tries a password, then it gets the usual 401', async () => {
    const email = uniqueEmail('nopass');
    await signInWithProvider(personAtProvider({ email, email_verified: true }));

    const res = await request(serviceUrl).post('/api/auth/login').send({ email, password });

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('when a local account has the same verified email, then it is linked rather than duplicated, and stays linked on the next sign-in', async () => {
    const email = uniqueEmail('local');
    const registered = await request(serviceUrl).post('/api/auth/register').send({ email, password, displayName: 'Grace' }).expect(201);
    const login = personAtProvider({ email: email.toUpperCase(), email_verified: true, name: 'Grace Hopper' });

    const first = await signInWithProvider(login);
    const second = await signInWithProvider(login);

    expect(first.res.status).toBe(302);
    expect(await signedInUserId(first.jar)).toBe(registered.body.id);
    expect(await signedInUserId(second.jar)).toBe(registered.body.id);
    expect(await usersWithEmail(email)).toHaveLength(1);
    expect(await sdb.db.selectFrom('identities').selectAll().where('user_id', '=', registered.body.id).execute()).toHaveLength(1);
    expect((await outboxFor(registered.body.id)).filter((r) => r.type === 'user.registered.v1')).toHaveLength(1);
    await request(serviceUrl).post('/api/auth/login').send({ email, password }).expect(200);
  });

  it('when the provider says the email is not verified, then the answer is 403 and no account is created', async () => {
    const email = uniqueEmail('unverified');
    const before = await auditFailures('unverified_email');

    const { res, jar } = await signInWithProvider(personAtProvider({ email, email_verified: false }));

    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('se_refresh='))).toBe(false);
    expect(await usersWithEmail(email)).toHaveLength(0);
    expect(jar.get(new URL(serviceUrl), 'se_refresh')).toBeUndefined();
    expect(await auditFailures('unverified_email')).toBe(before + 1);
  });

  it('when the state in the callback is tampered with, then the answer is a 401 problem and no session is started', async () => {
    const jar = new CookieJar();
    const back = await throughProvider(jar, personAtProvider({ email: uniqueEmail('tamper'), email_verified: true }));
    back.searchParams.set('state', randomBytes(32).toString('base64url'));

    const res = await send(jar, back);

    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    expect(jar.get(new URL(serviceUrl), 'se_refresh')).toBeUndefined();
    expect((await refresh(jar)).status).toBe(401);
  });

  it('when the callback arrives in a browser that did not start the sign-in, then it is refused (login CSRF)', async () => {
    const email = uniqueEmail('csrf');
    const back = await throughProvider(new CookieJar(), personAtProvider({ email, email_verified: true }));

    const victim = new CookieJar();
    const res = await send(victim, back);

    expect(res.status).toBe(401);
    expect(victim.get(new URL(serviceUrl), 'se_refresh')).toBeUndefined();
    expect(await usersWithEmail(email)).toHaveLength(0);
  });

  it('when a callback is replayed with its state cookie, then the second use is refused', async () => {
    const jar = new CookieJar();
    const back = await throughProvider(jar, personAtProvider({ email: uniqueEmail('replay'), email_verified: true }));
    const state = jar.get(new URL(serviceUrl), 'se_oidc_state')!;
    expect((await send(jar, back)).status).toBe(302);

    jar.set(new URL(serviceUrl), 'se_oidc_state', state);
    const replay = await send(jar, back);

    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { detail: string }).detail).toMatch(/expired or was already used/);
  });

  it('when returnTo points to another site, then it is ignored and the browser lands on /', async () => {
    const login = personAtProvider({ email: uniqueEmail('evil'), email_verified: true });

    const { res } = await signInWithProvider(login, { startPath: '/api/auth/oidc/start?returnTo=//evil.example' });

    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
  });

  it('when returnTo is a path on this site, then the browser lands there after sign-in', async () => {
    const login = personAtProvider({ email: uniqueEmail('back'), email_verified: true });

    const { res } = await signInWithProvider(login, { startPath: `/api/auth/oidc/start?returnTo=${encodeURIComponent('/events?mine=1')}` });

    expect(res.headers.get('location')).toBe('/events?mine=1');
  });

  it('when the linked account is disabled, then sign-in is refused with 403 ACCOUNT_DISABLED', async () => {
    const email = uniqueEmail('disabled');
    const login = personAtProvider({ email, email_verified: true });
    await signInWithProvider(login);
    await sdb.db.updateTable('users').set({ disabled_at: new Date() }).where('email', '=', email).execute();

    const { res, jar } = await signInWithProvider(login);

    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('ACCOUNT_DISABLED');
    expect(jar.get(new URL(serviceUrl), 'se_refresh')).toBeUndefined();
  });

  it('when the provider refuses (access denied), then the callback answers a 401 problem naming the error', async () => {
    const jar = new CookieJar();
    const back = await throughProvider(jar, personAtProvider({ email: uniqueEmail('denied'), email_verified: true }));
    const denied = new URL(callbackUrl);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('state', back.searchParams.get('state')!);

    const res = await send(jar, denied);

    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toContain('access_denied');
  });

  it('when the provider cannot be reached, then the service still starts, /start answers 503 and the web app still sees the button', async () => {
    const unused = createServer();
    const downIssuer = await listen(unused);
    await close(unused);
    const config = loadUserServiceConfig({ PUBLIC_URL: serviceUrl, OIDC_ISSUER: downIssuer, OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' });
    const started = await startServiceForTest(
      env,
      userService({ keys, issuer: 'secureevent', audience: 'secureevent-api', oidc: oidcOptionsFrom(config) }),
      { verifier },
    );
    try {
      const start = await request(started.app).get('/api/auth/oidc/start');
      expect(start.status).toBe(503);
      expect(start.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(start.headers['set-cookie']).toBeUndefined();
      await request(started.app).get('/api/auth/oidc/config').expect(200, { enabled: true, startUrl: '/api/auth/oidc/start' });
    } finally {
      await started.booted.stop();
    }
  });

  it('when OIDC is not configured, then the config route says disabled and /start does not exist', async () => {
    const started = await startServiceForTest(env, userService({ keys, issuer: 'secureevent', audience: 'secureevent-api' }), { verifier });
    try {
      await request(started.app).get('/api/auth/oidc/config').expect(200, { enabled: false, startUrl: null });
      await request(started.app).get('/api/auth/oidc/start').expect(404);
    } finally {
      await started.booted.stop();
    }
  });
});

describe('enterprise sign-in configuration', () => {
  const configError = (env: Record<string, string>) => {
    try {
      loadUserServiceConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).message;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };
  const complete = {
    PUBLIC_URL: 'https://events.example.com',
    OIDC_ISSUER: 'https://idp.example.com',
    OIDC_CLIENT_ID: 'id',
    OIDC_CLIENT_SECRET: 's',
  };

  it('when only some of the OIDC variables are set, then one config error asks for all three', () => {
    expect(configError({ OIDC_ISSUER: 'https://idp.example.com' })).toContain(
      'OIDC_ISSUER: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together',
    );
  });

  it('when OIDC_DEFAULT_ROLES includes admin, then the config is refused', () => {
    expect(configError({ ...complete, OIDC_DEFAULT_ROLES: 'attendee,admin' })).toContain('OIDC_DEFAULT_ROLES');
  });

  it('when the issuer is plain http on another host, or PUBLIC_URL is missing, then the config is refused', () => {
    expect(configError({ ...complete, OIDC_ISSUER: 'http://idp.example.com' })).toContain('OIDC_ISSUER: must be an https:// URL');
    expect(configError({ ...complete, PUBLIC_URL: '' })).toContain('PUBLIC_URL');
  });

  it('when all is set, then the redirect URI is built from PUBLIC_URL and the roles default to attendee', () => {
    const options = oidcOptionsFrom(
      loadUserServiceConfig({ ...complete, PUBLIC_URL: 'https://events.example.com/', OIDC_DEFAULT_ROLES: ' organizer , attendee' }),
    );
    expect(options).toMatchObject({
      redirectUri: 'https://events.example.com/api/auth/oidc/callback',
      defaultRoles: ['organizer', 'attendee'],
    });
    expect(oidcOptionsFrom(loadUserServiceConfig(complete))?.defaultRoles).toEqual(['attendee']);
    expect(oidcOptionsFrom(loadUserServiceConfig({}))).toBeUndefined();
  });
});
