import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mfaKeyFrom, userServiceEnvSchema } from '../config.js';

describe('second-factor configuration', () => {
  it('when MFA_REQUIRED_ROLES lists roles, then they are read trimmed and once each; unset means none; an unknown role is refused', () => {
    expect(userServiceEnvSchema.parse({ MFA_REQUIRED_ROLES: ' admin, organizer,admin ' }).MFA_REQUIRED_ROLES).toEqual([
      'admin',
      'organizer',
    ]);
    expect(userServiceEnvSchema.parse({}).MFA_REQUIRED_ROLES).toEqual([]);
    expect(userServiceEnvSchema.parse({ MFA_REQUIRED_ROLES: '' }).MFA_REQUIRED_ROLES).toEqual([]);
    expect(userServiceEnvSchema.safeParse({ MFA_REQUIRED_ROLES: 'admin,superuser' }).success).toBe(false);
  });

  it('when MFA_ENCRYPTION_KEY is given, then it must be 32 bytes in base64 or base64url, and it is the key', () => {
    const key = randomBytes(32);
    for (const encoded of [key.toString('base64'), key.toString('base64url')]) {
      const config = userServiceEnvSchema.parse({ MFA_ENCRYPTION_KEY: encoded });
      expect(mfaKeyFrom(config).equals(key)).toBe(true);
    }
    expect(userServiceEnvSchema.safeParse({ MFA_ENCRYPTION_KEY: randomBytes(16).toString('base64') }).success).toBe(false);
    expect(userServiceEnvSchema.safeParse({ MFA_ENCRYPTION_KEY: 'not a key at all' }).success).toBe(false);
  });

  it('when no key is given, then one is generated once under DATA_DIR (mode 0600) and read back on the next start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfa-key-'));
    try {
      const dataDir = path.join(dir, 'nested');
      const first = mfaKeyFrom({ DATA_DIR: dataDir, MFA_ENCRYPTION_KEY: undefined });
      expect(first).toHaveLength(32);
      expect(statSync(path.join(dataDir, 'mfa-encryption-key')).mode & 0o777).toBe(0o600);
      expect(mfaKeyFrom({ DATA_DIR: dataDir, MFA_ENCRYPTION_KEY: undefined }).equals(first)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
