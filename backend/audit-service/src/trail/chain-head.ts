import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { SIGNING_ALG, type SigningKeys } from '@secureevent/shared';

/** The JWS `typ` of a signed chain head; a verifier refuses any other. */
export const CHAIN_HEAD_TYP = 'secureevent-audit-chain-head+jws';

/**
 * What an export covers, signed by the audit-service: how many entries, the first and last
 * sequence numbers, and the last entry's hash. `linked` says the export holds every entry between
 * `firstSeq` and `lastSeq`, so each must link to the one before it; a filtered export is not
 * linked, and each of its entries is checked against its own hash only.
 */
export interface ChainHead {
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
  linked: boolean;
  /** The query the export answered, as given. */
  filter: Record<string, string>;
  exportedAt: string;
}

/** Signs a chain head as a compact JWS (EdDSA, `kid` of the current key). */
export async function signChainHead(keys: SigningKeys, head: ChainHead): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(head)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.kid, typ: CHAIN_HEAD_TYP })
    .sign(keys.signingKey);
}

/** Verifies a signed chain head against a key set (a JWKS document, or a key resolver); throws when it does not hold. */
export async function verifyChainHead(jws: string, keys: JSONWebKeySet | JWTVerifyGetKey): Promise<ChainHead> {
  const getKey = typeof keys === 'function' ? keys : createLocalJWKSet(keys);
  const { payload, protectedHeader } = await compactVerify(jws, getKey, { algorithms: [SIGNING_ALG] });
  if (protectedHeader.typ !== CHAIN_HEAD_TYP) throw new Error(`not a chain head (typ ${String(protectedHeader.typ)})`);
  return JSON.parse(new TextDecoder().decode(payload)) as ChainHead;
}
