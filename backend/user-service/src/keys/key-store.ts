import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import { ACCESS_TOKEN_ALG } from '@secureevent/shared';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/** The user-service's token signing keys: the current one signs, current and previous ones verify. */
export interface KeyStore {
  readonly kid: string;
  readonly signingKey: SigningKey;
  /** Public keys for `/.well-known/jwks.json`. */
  publicJwks(): { keys: JWK[] };
  /** Local verification keys, for services in the same process. */
  verificationKeys: JWTVerifyGetKey;
}

async function withKid(jwk: JWK): Promise<JWK> {
  return { ...jwk, kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)), alg: ACCESS_TOKEN_ALG, use: 'sig' };
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, ...pub } = jwk;
  return pub;
}

/**
 * Loads signing keys from `JWT_PRIVATE_KEY` (a JSON array of private JWKs, newest first, for
 * rotation without logging anyone out), or from `file`, generating and persisting a key there
 * (mode 0600) on first start. With neither, an ephemeral key is generated.
 */
export async function loadKeyStore(options: { privateKeys?: string | undefined; file?: string | undefined }): Promise<KeyStore> {
  let jwks: JWK[];
  if (options.privateKeys) {
    const parsed = JSON.parse(options.privateKeys) as JWK | JWK[];
    jwks = Array.isArray(parsed) ? parsed : [parsed];
  } else if (options.file && existsSync(options.file)) {
    jwks = (JSON.parse(readFileSync(options.file, 'utf8')) as { keys: JWK[] }).keys;
  } else {
    const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    jwks = [await withKid(await exportJWK(privateKey))];
    if (options.file) {
      mkdirSync(path.dirname(options.file), { recursive: true });
      writeFileSync(options.file, JSON.stringify({ keys: jwks }), { mode: 0o600 });
      chmodSync(options.file, 0o600);
    }
  }
  if (jwks.length === 0 || !jwks[0]?.d) throw new Error('JWT signing key set is empty or has no private key');
  const keys = await Promise.all(jwks.map(withKid));
  const current = keys[0]!;
  const publicKeys = keys.map(publicPart);
  return {
    kid: current.kid!,
    signingKey: await importJWK(current, ACCESS_TOKEN_ALG),
    publicJwks: () => ({ keys: publicKeys }),
    verificationKeys: createLocalJWKSet({ keys: publicKeys }),
  };
}
