import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig } from '@secureevent/shared';
import { loadKeyStore, type KeyStore } from './keys/key-store.js';
import { isLoopbackHttp, type OidcOptions } from './oidc/identity-provider.js';
import { PRIVACY_EXPORT_PATHS, type PrivacySources } from './privacy/export-my-data.js';
import type { UserServiceOptions } from './service.js';

const oidcIssuer = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'https:' || isLoopbackHttp(url);
        } catch {
          return false;
        }
      },
      { message: 'must be an https:// URL (http:// only on localhost or 127.0.0.1)' },
    )
    .optional(),
);

const internalUrl = z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional());

// Admin is deliberately not accepted: whoever controls the identity provider must not become a platform admin by default.
const oidcDefaultRoles = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('attendee')
    .transform((v) => [
      ...new Set(
        v
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(
          z.enum(['attendee', 'organizer'], {
            error: 'must list attendee and/or organizer (admin is never granted by the identity provider)',
          }),
        )
        .min(1, 'must name at least one role'),
    ),
);

// Roles that must use a second factor: their users are led to set one up at sign-in.
const mfaRequiredRoles = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('')
    .transform((v) => [
      ...new Set(
        v
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.enum(['attendee', 'organizer', 'admin'], { error: 'must list roles among attendee, organizer, admin' }))),
);

const mfaEncryptionKey = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((v) => /^[A-Za-z0-9_+/-]{43}=?$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be 32 random bytes in base64 or base64url (e.g. `openssl rand -base64 32`)',
    })
    .optional(),
);

/** The user-service's environment: the common variables plus key material, the bootstrap admin and enterprise sign-in. */
export const userServiceEnvSchema = z
  .object({
    ...commonEnv,
    JWT_PRIVATE_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
    ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email('must be an email address').optional()),
    ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
    /** Sign-ups allowed per client IP per hour (counted in Redis when configured). */
    SIGNUPS_PER_IP_PER_HOUR: z.preprocess(
      emptyToUndefined,
      z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1).max(1_000_000).default(20),
    ),
    /** Comma-separated roles whose users must set up a second factor (e.g. `admin,organizer`); default none. */
    MFA_REQUIRED_ROLES: mfaRequiredRoles,
    /** The key TOTP secrets are sealed with; without it one is generated once under DATA_DIR. */
    MFA_ENCRYPTION_KEY: mfaEncryptionKey,
    OIDC_ISSUER: oidcIssuer,
    OIDC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
    OIDC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
    OIDC_DEFAULT_ROLES: oidcDefaultRoles,
    OIDC_LOGIN_LABEL: z.preprocess(emptyToUndefined, z.string().trim().max(60).optional()),
    /** Where the other services answer their part of a personal-data export (ADR 0029); PUBLIC_URL (the gateway) without. */
    EVENT_SERVICE_URL: internalUrl,
    NOTIFICATION_SERVICE_URL: internalUrl,
    AUDIT_SERVICE_URL: internalUrl,
    OIDC_TOKEN_AUTH_METHOD: z.preprocess(
      emptyToUndefined,
      z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    ),
  })
  .refine((c) => !c.ADMIN_EMAIL === !c.ADMIN_PASSWORD, {
    message: 'set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither',
    path: ['ADMIN_PASSWORD'],
  })
  .refine((c) => new Set([c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET].map(Boolean)).size === 1, {
    message: 'set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together, or none of them',
    path: ['OIDC_ISSUER'],
  })
  .refine((c) => !c.OIDC_ISSUER || c.PUBLIC_URL, {
    message: 'is required with OIDC_ISSUER: the sign-in redirect URI is PUBLIC_URL/api/auth/oidc/callback',
    path: ['PUBLIC_URL'],
  });
export type UserServiceConfig = z.infer<typeof userServiceEnvSchema>;

/** Reads and validates the environment once. */
export const loadUserServiceConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(userServiceEnvSchema, env);

/** The token signing keys the config names: JWT_PRIVATE_KEY, or a key generated once under DATA_DIR. */
export const keyStoreFrom = (config: Pick<UserServiceConfig, 'JWT_PRIVATE_KEY' | 'DATA_DIR'>): Promise<KeyStore> =>
  loadKeyStore({ privateKeys: config.JWT_PRIVATE_KEY, file: path.join(config.DATA_DIR, 'jwt-signing-keys.json') });

/**
 * The key TOTP secrets are sealed with: MFA_ENCRYPTION_KEY, or 32 random bytes generated on first
 * start and kept in DATA_DIR/mfa-encryption-key (mode 0600), like the signing keys. Replicas must
 * share it: set the variable when running more than one.
 */
export function mfaKeyFrom(config: Pick<UserServiceConfig, 'MFA_ENCRYPTION_KEY' | 'DATA_DIR'>): Buffer {
  if (config.MFA_ENCRYPTION_KEY) return Buffer.from(config.MFA_ENCRYPTION_KEY, 'base64');
  const file = path.join(config.DATA_DIR, 'mfa-encryption-key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, key.toString('base64url'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another process wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    throw err;
  }
}

/** The user-service's options from a validated config and its keys (standalone and in the platform alike). */
export function userServiceOptionsFrom(config: UserServiceConfig, keys: KeyStore): UserServiceOptions {
  return {
    keys,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    admin: { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD },
    registrationsPerHour: config.SIGNUPS_PER_IP_PER_HOUR,
    oidc: oidcOptionsFrom(config),
    mfaRequiredRoles: config.MFA_REQUIRED_ROLES,
    mfaKey: mfaKeyFrom(config),
    privacySources: privacySourcesFrom(config),
  };
}

/** The other services' export routes: their own URL when set (the internal network), else through PUBLIC_URL. */
export function privacySourcesFrom(
  config: Pick<UserServiceConfig, 'PUBLIC_URL' | 'EVENT_SERVICE_URL' | 'NOTIFICATION_SERVICE_URL' | 'AUDIT_SERVICE_URL'>,
): PrivacySources {
  const base = (url: string | undefined) => (url ?? config.PUBLIC_URL ?? '').replace(/\/+$/, '');
  const sources = [
    { service: 'event-service', url: `${base(config.EVENT_SERVICE_URL)}${PRIVACY_EXPORT_PATHS['event-service']}` },
    { service: 'notification-service', url: `${base(config.NOTIFICATION_SERVICE_URL)}${PRIVACY_EXPORT_PATHS['notification-service']}` },
    { service: 'audit-service', url: `${base(config.AUDIT_SERVICE_URL)}${PRIVACY_EXPORT_PATHS['audit-service']}` },
  ];
  return async () => sources;
}

/** Enterprise sign-in settings from the validated config, or undefined when OIDC is not configured. */
export function oidcOptionsFrom(config: UserServiceConfig): OidcOptions | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET || !config.PUBLIC_URL) return undefined;
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUri: `${config.PUBLIC_URL.replace(/\/+$/, '')}/api/auth/oidc/callback`,
    defaultRoles: config.OIDC_DEFAULT_ROLES,
    label: config.OIDC_LOGIN_LABEL,
    tokenAuthMethod: config.OIDC_TOKEN_AUTH_METHOD,
  };
}
