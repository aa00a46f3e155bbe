import { createPublicKey, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import request from 'supertest';
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, newId } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { issueAccessToken } from '../src/accounts/sign-in.js';
import { loadKeyStore, type KeyStore } from '../src/keys/key-store.js';
import { userService } from '../src/service.js';

const ISSUER = 'secureevent';
const AUDIENCE = 'secureevent-api';
const password = 'correct horse battery staple';
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** A fresh Ed25519 key pair that is not the service's. */
async function foreignKeyPair() {
  return generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
}

/** Claims of a well-formed access token; each test overrides the part it attacks. */
interface Forgery {
  key: Parameters<SignJWT['sign']>[0];
  alg?: string;
  kid?: string | undefined;
  sub?: string;
  roles?: unknown;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number | undefined;
  nbf?: number;
  jti?: string | undefined;
}

async function sign(f: Forgery): Promise<string> {
  const jwt = new SignJWT({ roles: f.roles ?? ['attendee'] })
    .setProtectedHeader({ alg: f.alg ?? 'EdDSA', ...(f.kid !== undefined ? { kid: f.kid } : {}), typ: 'at+jwt' })
    .setSubject(f.sub ?? newId('usr'))
    .setIssuer(f.iss ?? ISSUER)
    .setAudience(f.aud ?? AUDIENCE)
    .setIssuedAt(f.iat ?? now());
  if (f.jti !== undefined) jwt.setJti(f.jti);
  if (f.exp !== undefined) jwt.setExpirationTime(f.exp);
  if (f.nbf !== undefined) jwt.setNotBefore(f.nbf);
  return jwt.sign(f.key);
}

describe('access and refresh tokens: forged, expired and malformed credentials are refused', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let keys: KeyStore;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    keys = await loadKeyStore({});
    const verifier = createTokenVerifier({ keys: keys.verificationKeys, issuer: ISSUER, audience: AUDIENCE });
    const started = await startServiceForTest(env, userService({ keys, issuer: ISSUER, audience: AUDIENCE }), { verifier });
    app = started.app;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  async function signedInUser() {
    const email = `tok.${randomBytes(5).toString('hex')}@example.com`;
    const reg = await request(app).post('/api/auth/register').send({ email, password, displayName: 'Token user' }).expect(201);
    const login = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
    return { id: reg.body.id as string, email, accessToken: login.body.accessToken as string };
  }

  /** A token exactly as the service signs them, for a real user, with the claims of `f` changed. */
  const genuine = (userId: string, f: Partial<Forgery> = {}) =>
    sign({ key: keys.signingKey, kid: keys.kid, sub: userId, jti: randomUUID(), exp: now() + 300, ...f });

  const callMe = (authorization: string) => request(app).get('/api/users/me').set('authorization', authorization);

  function expectUnauthenticated(res: request.Response) {
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  }

  it('when a genuine token of a signed-in user is presented, then /api/users/me answers 200 with that user (control)', async () => {
    const user = await signedInUser();
    const viaLogin = await callMe(`Bearer ${user.accessToken}`);
    const viaTestSigner = await callMe(`Bearer ${await genuine(user.id)}`);
    expect(viaLogin.status).toBe(200);
    expect(viaLogin.body.id).toBe(user.id);
    expect(viaTestSigner.status).toBe(200);
    expect(viaTestSigner.body.id).toBe(user.id);
  });

  it('when an unsigned `alg: none` token is presented, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const claims = { sub: user.id, roles: ['admin'], iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300, jti: randomUUID() };
    const withEmptySignature = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const withKid = `${b64url({ alg: 'none', kid: keys.kid })}.${b64url(claims)}.`;
    const noneWithRealSignature = `${b64url({ alg: 'none' })}.${b64url(claims)}.${user.accessToken.split('.')[2]}`;
    for (const token of [withEmptySignature, withKid, noneWithRealSignature]) {
      expectUnauthenticated(await callMe(`Bearer ${token}`));
    }
  });

  it.each([
    ['the raw `x` bytes of the public JWK', (jwk: JWK) => Buffer.from(jwk.x!, 'base64url')],
    [
      'the public key as SPKI PEM',
      (jwk: JWK) => Buffer.from(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' })),
    ],
    ['the public JWK as JSON', (jwk: JWK) => Buffer.from(JSON.stringify(jwk))],
    ['the whole public JWKS as JSON', (_jwk: JWK, jwks: { keys: JWK[] }) => Buffer.from(JSON.stringify(jwks))],
  ])('when an HS256 token uses %s as the HMAC secret (key confusion), then 401 UNAUTHENTICATED', async (_name, secretOf) => {
    const user = await signedInUser();
    const jwks = (await request(app).get('/api/auth/.well-known/jwks.json').expect(200)).body as { keys: JWK[] };
    const publicJwk = jwks.keys.find((k) => k.kid === keys.kid)!;
    const secret = new Uint8Array(secretOf(publicJwk, jwks));
    const forged = await sign({
      key: secret,
      alg: 'HS256',
      kid: keys.kid,
      sub: user.id,
      roles: ['admin'],
      jti: randomUUID(),
      exp: now() + 300,
    });
    expectUnauthenticated(await callMe(`Bearer ${forged}`));
  });

  it('when a token signed with the real key has expired, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const expired = await genuine(user.id, { iat: now() - 600, exp: now() - 60 });
    expectUnauthenticated(await callMe(`Bearer ${expired}`));
  });

  it('when a token signed with the real key carries no expiry at all, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const eternal = await genuine(user.id, { exp: undefined });
    expect(payloadOf(eternal).exp).toBeUndefined();
    expectUnauthenticated(await callMe(`Bearer ${eternal}`));
  });

  it('when a token signed with the real key is not valid yet (nbf in the future), then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const early = await genuine(user.id, { nbf: now() + 3600, exp: now() + 7200 });
    expectUnauthenticated(await callMe(`Bearer ${early}`));
  });

  it('when a token signed with the real key was issued 10 minutes in the future (iat beyond the clock skew), then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const fromTheFuture = await genuine(user.id, { iat: now() + 600, exp: now() + 900 });
    expect(payloadOf(fromTheFuture).iat).toBeGreaterThan(now() + 500);
    expectUnauthenticated(await callMe(`Bearer ${fromTheFuture}`));
  });

  it('when a token signed with the real key has an iat a few seconds ahead (within the clock skew), then it is accepted', async () => {
    const user = await signedInUser();
    const slightlyAhead = await genuine(user.id, { iat: now() + 10 });
    expect((await callMe(`Bearer ${slightlyAhead}`)).status).toBe(200);
  });

  it('when a token signed with the real key names another audience, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const otherAudience = await genuine(user.id, { aud: 'some-other-api' });
    expectUnauthenticated(await callMe(`Bearer ${otherAudience}`));
  });

  it('when a token signed with the real key names another issuer, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const otherIssuer = await genuine(user.id, { iss: 'https://evil.example' });
    expectUnauthenticated(await callMe(`Bearer ${otherIssuer}`));
  });

  it('when the payload of a genuine token is edited to grant admin and the signature kept, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${b64url({ ...claims, roles: ['admin'] })}.${signature}`;
    expectUnauthenticated(await callMe(`Bearer ${tampered}`));
  });

  it('when a token is signed by a foreign Ed25519 key under an unknown kid, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const rogue = await foreignKeyPair();
    const forged = await sign({
      key: rogue.privateKey,
      kid: `rogue-${randomBytes(4).toString('hex')}`,
      sub: user.id,
      jti: randomUUID(),
      exp: now() + 300,
    });
    const withoutKid = await sign({ key: rogue.privateKey, kid: undefined, sub: user.id, jti: randomUUID(), exp: now() + 300 });
    expectUnauthenticated(await callMe(`Bearer ${forged}`));
    expectUnauthenticated(await callMe(`Bearer ${withoutKid}`));
  });

  it('when a token is signed by a foreign key but names the service kid, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const rogue = await foreignKeyPair();
    const forged = await sign({
      key: rogue.privateKey,
      kid: keys.kid,
      sub: user.id,
      roles: ['admin'],
      jti: randomUUID(),
      exp: now() + 300,
    });
    expectUnauthenticated(await callMe(`Bearer ${forged}`));
  });

  it.each([
    ['a bare scheme', 'Bearer'],
    ['a two-part token', 'Bearer x.y'],
    ['three empty parts', 'Bearer ..'],
    ['another scheme', 'Basic abc'],
    ['a token without a scheme', 'eyJhbGciOiJFZERTQSJ9.e30.sig'],
    ['10 kB of junk', `Bearer ${randomBytes(7_500).toString('base64url')}`],
    ['10 kB of junk in three parts', `Bearer ${['a', 'b', 'c'].map(() => randomBytes(2_500).toString('base64url')).join('.')}`],
    ['non-ASCII bytes (UTF-8 on the wire)', Buffer.from('Bearer ключ.🔑.токен', 'utf8').toString('latin1')],
    ['Latin-1 characters', 'Bearer ÿþý.éèê.äöü'],
  ])('when the Authorization header holds %s, then 401 UNAUTHENTICATED and never a 500', async (_name, authorization) => {
    const res = await callMe(authorization);
    expectUnauthenticated(res);
  });

  it.each([
    ['an admin-looking name', 'admin'],
    ['an id of another kind', `evt_${'a'.repeat(25)}`],
    ['a usr_ id with a path in it', 'usr_../../users/admin'],
    ['an empty string', ''],
  ])('when a token signed with the real key has %s as `sub` (not a usr_ id), then 401 UNAUTHENTICATED', async (_name, sub) => {
    const forged = await genuine(sub, { roles: ['admin'] });
    expectUnauthenticated(await callMe(`Bearer ${forged}`));
  });

  it('when a token signed with the real key carries a role outside the closed list, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const forged = await genuine(user.id, { roles: ['superuser'] });
    expectUnauthenticated(await callMe(`Bearer ${forged}`));
  });

  it('when a token signed with the real key lacks its jti, then 401 UNAUTHENTICATED', async () => {
    const user = await signedInUser();
    const forged = await genuine(user.id, { jti: undefined });
    expectUnauthenticated(await callMe(`Bearer ${forged}`));
  });

  it.each([
    ['garbage', 'garbage'],
    ['5 kB long', 'a'.repeat(5_000)],
    ['a JSON cookie (`j:` prefix)', 'j:{"id":"rft_x"}'],
    ['bad percent-encoding', '%E0%A4%A'],
    ['well-formed but unknown', `rft_${'a'.repeat(25)}.${'A'.repeat(43)}`],
  ])('when the refresh cookie is %s, then POST /api/auth/refresh answers 401 UNAUTHENTICATED, not 500', async (_name, value) => {
    const res = await request(app).post('/api/auth/refresh').set('cookie', `se_refresh=${value}`);
    expectUnauthenticated(res);
  });

  it('when the signing key is rotated (new key first, old key kept), then tokens signed by the old key still verify and new tokens use the new kid', async () => {
    const oldKey = await foreignKeyPair();
    const newKey = await foreignKeyPair();
    const [oldJwk, newJwk] = [await exportJWK(oldKey.privateKey), await exportJWK(newKey.privateKey)];
    const before = await loadKeyStore({ privateKeys: JSON.stringify([oldJwk]) });
    const after = await loadKeyStore({ privateKeys: JSON.stringify([newJwk, oldJwk]) });
    const onlyNew = await loadKeyStore({ privateKeys: JSON.stringify([newJwk]) });
    const user = { id: newId('usr'), email: 'rotation@example.com', displayName: 'Rotation', roles: ['attendee' as const] };
    const verifierAfter = createTokenVerifier({ keys: after.verificationKeys, issuer: ISSUER, audience: AUDIENCE });
    const verifierOnlyNew = createTokenVerifier({ keys: onlyNew.verificationKeys, issuer: ISSUER, audience: AUDIENCE });

    const oldToken = (await issueAccessToken({ keys: before, issuer: ISSUER, audience: AUDIENCE }, user)).accessToken;
    const newToken = (await issueAccessToken({ keys: after, issuer: ISSUER, audience: AUDIENCE }, user)).accessToken;

    expect(after.kid).not.toBe(before.kid);
    expect(decodeProtectedHeader(oldToken).kid).toBe(before.kid);
    expect(decodeProtectedHeader(newToken).kid).toBe(after.kid);
    await expect(verifierAfter(oldToken)).resolves.toEqual({ id: user.id, roles: ['attendee'], emailVerified: false });
    await expect(verifierAfter(newToken)).resolves.toEqual({ id: user.id, roles: ['attendee'], emailVerified: false });
    expect(after.publicJwks().keys.map((k) => k.kid)).toEqual([after.kid, before.kid]);
    expect(JSON.stringify(after.publicJwks())).not.toContain('"d"');
    // Once the old key is finally dropped, its tokens are refused: the check above is not vacuous.
    await expect(verifierOnlyNew(oldToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
