import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app does it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side: a code typed as it rolls over, or a phone clock some seconds off, still works. */
const WINDOW = 1;
/** How many recovery codes a set-up hands out. */
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A fresh shared secret (160 bits, the RFC's recommendation for SHA-1), base32 as apps expect it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totpOf = (secret: string, label = 'SecureEvent', issuer = 'SecureEvent') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** The `otpauth://totp/SecureEvent:<email>?secret=…&issuer=SecureEvent…` URL an app reads from the QR code. */
export const otpauthUrl = (secret: string, accountName: string, issuer: string): string => totpOf(secret, accountName, issuer).toString();

/**
 * The 30-second step `code` belongs to, when it is right for `secret` at `now` (within one step
 * either side), else null. The caller accepts it only if the step is newer than the last one used.
 */
export function totpStepOf(secret: string, code: string, now: number): number | null {
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : TOTP.counter({ period: PERIOD_SECONDS, timestamp: now }) + delta;
}

/** The code for `secret` at `timestamp` (for tests and the E2E suite's authenticator). */
export const totpCodeAt = (secret: string, timestamp: number): string => totpOf(secret).generate({ timestamp });

/** Ten codes like `k7d2m-q9xha` (about 49 bits each), from an alphabet without look-alikes (0/o, 1/l/i). */
export function newRecoveryCodes(): string[] {
  const one = () => Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const c = one();
    return `${c.slice(0, 5)}-${c.slice(5)}`;
  });
}

/** Case, spaces and dashes do not matter when a recovery code is typed. */
export const normaliseRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

/** What is stored of a recovery code: its sha256 (the code has ~49 random bits and works once, behind the code throttle). */
export const recoveryCodeHash = (code: string): string => createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');

/** Seals a TOTP secret with AES-256-GCM under `key` (32 bytes): `v1.<iv>.<tag>.<ciphertext>`, base64url. */
export function sealSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Opens what `sealSecret` sealed; throws when the key is not the one it was sealed with. */
export function openSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed TOTP secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
