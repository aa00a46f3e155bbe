import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPersonalValueRef, personalValueRef, refMatches } from './personal-data.js';
import type { SubjectKey } from './subject-keys.repository.js';

const key = (keyId = 'ask_1'): SubjectKey => ({ keyId, secret: randomBytes(32) });

describe('personal value references', () => {
  it('when a value is referenced, then the reference carries neither the value nor anything reversible, and names its key', () => {
    const k = key();
    const ref = personalValueRef(k, 'ada@example.com');
    expect(ref).toEqual({ hmac: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), keyId: 'ask_1' });
    expect(JSON.stringify(ref)).not.toContain('ada');
  });

  it('when the same value is referenced twice under one key, then the references are equal; under another key they differ', () => {
    const k = key();
    expect(personalValueRef(k, 'Ada Lovelace')).toEqual(personalValueRef(k, 'Ada Lovelace'));
    expect(personalValueRef(k, 'Ada Lovelace')?.hmac).not.toBe(personalValueRef(key(), 'Ada Lovelace')?.hmac);
    expect(personalValueRef(k, 'Ada Lovelace')?.hmac).not.toBe(personalValueRef(k, 'Ada lovelace')?.hmac);
  });

  it('when an object value is referenced, then key order does not matter (RFC 8785 canonical JSON)', () => {
    const k = key();
    expect(personalValueRef(k, { a: 1, b: ['x'] })).toEqual(personalValueRef(k, { b: ['x'], a: 1 }));
  });

  it('when the value is null or undefined, then no reference is made (absence is not personal data)', () => {
    expect(personalValueRef(key(), null)).toBeNull();
    expect(personalValueRef(key(), undefined)).toBeNull();
  });

  it('when a holder of the key checks a value, then only the recorded value matches', () => {
    const k = key();
    const ref = personalValueRef(k, 'ada@example.com')!;
    expect(refMatches(k, ref, 'ada@example.com')).toBe(true);
    expect(refMatches(k, ref, 'eve@example.com')).toBe(false);
    expect(refMatches({ ...k, keyId: 'ask_2' }, ref, 'ada@example.com')).toBe(false);
    expect(refMatches(key('ask_1'), ref, 'ada@example.com')).toBe(false);
  });

  it('when something looks like a reference, then isPersonalValueRef says so, and not for other values', () => {
    expect(isPersonalValueRef(personalValueRef(key(), 'x'))).toBe(true);
    expect(isPersonalValueRef({ hmac: 'x', keyId: 'y', extra: 1 })).toBe(false);
    expect(isPersonalValueRef('ada@example.com')).toBe(false);
    expect(isPersonalValueRef(null)).toBe(false);
  });
});
