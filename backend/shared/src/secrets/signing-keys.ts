import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';

/** The algorithm of every signing key set here: EdDSA over Ed25519. */
export const SIGNING_ALG = 'EdDSA';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/** An Ed25519 key set: the current key signs, current and previous ones verify (rotation without breaking old signatures). */
export interface SigningKeys {
  readonly kid: string;
  readonly signingKey: SigningKey;
  /** Public keys, for a `/.well-known/jwks.json`. */
  publicJwks(): { keys: JWK[] };
  /** Local verification keys, for verifiers in the same process. */
  verificationKeys: JWTVerifyGetKey;
}

async function withKid(jwk: JWK): Promise<JWK> {
  return { ...jwk, kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)), alg: SIGNING_ALG, use: 'sig' };
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, ...pub } = jwk;
  return pub;
}

/**
 * Loads Ed25519 signing keys from `privateKeys` (a JSON array of private JWKs, newest first, for
 * rotation), or from `file`, generating and persisting a key there (mode 0600) on first start.
 * With neither, an ephemeral key is generated. Replicas must share configured keys (a Secret).
 */
export async function loadSigningKeys(options: { privateKeys?: string | undefined; file?: string | undefined }): Promise<SigningKeys> {
  let jwks: JWK[];
  if (options.privateKeys) {
    const parsed = JSON.parse(options.privateKeys) as JWK | JWK[];
    jwks = Array.isArray(parsed) ? parsed : [parsed];
  } else if (options.file && existsSync(options.file)) {
    jwks = (JSON.parse(readFileSync(options.file, 'utf8')) as { keys: JWK[] }).keys;
  } else {
    const { privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
    jwks = [await withKid(await exportJWK(privateKey))];
    if (options.file) {
      mkdirSync(path.dirname(options.file), { recursive: true });
      writeFileSync(options.file, JSON.stringify({ keys: jwks }), { mode: 0o600 });
      chmodSync(options.file, 0o600);
    }
  }
  if (jwks.length === 0 || !jwks[0]?.d) throw new Error('signing key set is empty or has no private key');
  const keys = await Promise.all(jwks.map(withKid));
  const current = keys[0]!;
  const publicKeys = keys.map(publicPart);
  return {
    kid: current.kid!,
    signingKey: await importJWK(current, SIGNING_ALG),
    publicJwks: () => ({ keys: publicKeys }),
    verificationKeys: createLocalJWKSet({ keys: publicKeys }),
  };
}
