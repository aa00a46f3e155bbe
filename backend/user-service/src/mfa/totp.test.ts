import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  openSecret,
  otpauthUrl,
  recoveryCodeHash,
  sealSecret,
  totpCodeAt,
  totpStepOf,
} from './totp.js';

describe('totp', () => {
  const secret = newTotpSecret();
  const now = Date.UTC(2026, 11, 4, 12, 0, 10);
  const step = Math.floor(now / 30_000);

  it('when the code of now, of the step before or of the step after is given, then its step is returned', () => {
    expect(totpStepOf(secret, totpCodeAt(secret, now), now)).toBe(step);
    expect(totpStepOf(secret, totpCodeAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(totpStepOf(secret, totpCodeAt(secret, now + 30_000), now)).toBe(step + 1);
  });

  it('when a code two steps old or of another secret is given, then it is refused', () => {
    expect(totpStepOf(secret, totpCodeAt(secret, now - 60_000), now)).toBeNull();
    const other = newTotpSecret();
    const code = totpCodeAt(other, now);
    // A 1-in-a-million collision with the real code would make this flaky: pick a code that differs.
    const ours = [-1, 0, 1].map((d) => totpCodeAt(secret, now + d * 30_000));
    expect(totpStepOf(secret, ours.includes(code) ? '000000' : code, now)).toBeNull();
  });

  it('when the otpauth URL is made, then it names the issuer and account and carries the secret', () => {
    const url = new URL(otpauthUrl(secret, 'ada@example.com', 'SecureEvent'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('SecureEvent');
    expect(decodeURIComponent(url.pathname)).toContain('ada@example.com');
  });

  it('when recovery codes are made, then there are ten distinct ones that hash the same however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(recoveryCodeHash(` ${codes[0]!.toUpperCase().replace('-', ' ')} `)).toBe(recoveryCodeHash(codes[0]!));
    expect(normaliseRecoveryCode('AB-CD ef')).toBe('abcdef');
  });

  it('when a secret is sealed, then only the same key opens it', () => {
    const key = randomBytes(32);
    const sealed = sealSecret(key, secret);
    expect(sealed).not.toContain(secret);
    expect(openSecret(key, sealed)).toBe(secret);
    expect(() => openSecret(randomBytes(32), sealed)).toThrow();
  });
});
