import { randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { Router } from 'express';
import { buildOpenApi, createLimiter, type ServiceDefinition } from '@secureevent/shared';
import type { Role } from '@secureevent/contracts';
import type { AccountsContext } from './accounts/accounts-context.js';
import { accountsRoutes } from './accounts/accounts.routes.js';
import { bootstrapAdmin } from './accounts/bootstrap-admin.js';
import { emailLinksRoutes } from './accounts/email-links.routes.js';
import { adminRoutes } from './admin/admin.routes.js';
import { migrations } from './db/migrations/index.js';
import { mfaRoutes } from './mfa/mfa.routes.js';
import type { UsersDb } from './db/schema.js';
import type { KeyStore } from './keys/key-store.js';
import { createIdentityProvider, type OidcOptions } from './oidc/identity-provider.js';
import { oidcRoutes } from './oidc/oidc.routes.js';
import { directoryRoutes } from './directory/directory.routes.js';
import type { PrivacySources } from './privacy/export-my-data.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { createLoginThrottle } from './security/login-throttle.js';
import { createPasswordHasher, type PasswordHasher } from './security/password-hasher.js';
import { sessionsRoutes } from './sessions/sessions.routes.js';

/** Options the user-service needs beyond the common adapters. */
export interface UserServiceOptions {
  keys: KeyStore;
  issuer: string;
  audience: string;
  admin?: { email?: string | undefined; password?: string | undefined };
  /** Sign-ups allowed per IP per hour. */
  registrationsPerHour?: number;
  /** Password-reset requests allowed per IP per hour. */
  resetsPerIpPerHour?: number;
  /** Enterprise sign-in (OpenID Connect); without it `/api/auth/oidc/config` answers `enabled: false`. */
  oidc?: OidcOptions | undefined;
  /** The argon2 hasher; tests wrap it to count password checks. */
  hasher?: PasswordHasher;
  /** Where the other services answer their part of a personal-data export (ADR 0029); none without. */
  privacySources?: PrivacySources;
  /** Roles whose users must set up a second factor (MFA_REQUIRED_ROLES); default none. */
  mfaRequiredRoles?: readonly Role[];
  /** 32 bytes that seal TOTP secrets (MFA_ENCRYPTION_KEY or DATA_DIR/mfa-encryption-key); tests get a random one. */
  mfaKey?: Buffer;
}

/** The user-service: accounts, sign-in, sessions, tokens and roles (schema `users`). */
export function userService(options: UserServiceOptions): ServiceDefinition<UsersDb> {
  return {
    name: 'user-service',
    schema: 'users',
    create(deps) {
      const ctx: AccountsContext = {
        db: deps.sdb.db,
        schema: deps.sdb.schema,
        outbox: deps.outbox,
        tokens: { keys: options.keys, issuer: options.issuer, audience: options.audience },
        hasher: options.hasher ?? createPasswordHasher(),
        throttle: createLoginThrottle(deps.cache),
        registrations: createLimiter(deps.cache, {
          name: 'register-ip',
          points: options.registrationsPerHour ?? 20,
          durationSeconds: 3600,
        }),
        logger: deps.logger,
        mfa: {
          key: options.mfaKey ?? randomBytes(32),
          requiredRoles: options.mfaRequiredRoles ?? [],
          throttle: createLoginThrottle(deps.cache, 'mfa-code'),
          issuer: 'SecureEvent',
        },
      };
      const accounts = accountsRoutes(ctx, deps.verifier, options.keys);
      const emailLinks = emailLinksRoutes(ctx, deps.verifier, {
        resetsPerIp: createLimiter(deps.cache, { name: 'reset-ip', points: options.resetsPerIpPerHour ?? 60, durationSeconds: 3600 }),
        resetsPerEmail: createLimiter(deps.cache, { name: 'reset-email', points: 5, durationSeconds: 3600 }),
        verificationsPerUser: createLimiter(deps.cache, { name: 'verify-resend-user', points: 5, durationSeconds: 3600 }),
      });
      const sessions = sessionsRoutes(ctx, deps.verifier);
      const admin = adminRoutes(ctx, deps.verifier);
      const privacy = privacyRoutes(ctx, deps.verifier, options.privacySources ?? (async () => []));
      const mfa = mfaRoutes(ctx, deps.verifier);
      const directory = directoryRoutes(deps.sdb.db, deps.verifier);
      const oidc = oidcRoutes(
        deps.verifier,
        options.oidc && {
          ctx: {
            accounts: ctx,
            provider: createIdentityProvider(options.oidc, deps.logger),
            cache: deps.cache,
            defaultRoles: options.oidc.defaultRoles,
          },
          redirectUri: options.oidc.redirectUri,
          label: options.oidc.label,
          startsPerIp: createLimiter(deps.cache, { name: 'oidc-start-ip', points: 60, durationSeconds: 60 }),
        },
      );
      // The refresh cookie is scoped to /api/auth; nothing else needs cookies parsed.
      const cookies = Router().use('/api/auth', cookieParser());
      return {
        name: 'user-service',
        schema: 'users',
        migrations,
        routers: [
          cookies,
          accounts.router,
          emailLinks.router,
          sessions.router,
          mfa.router,
          admin.router,
          privacy.router,
          oidc.router,
          directory.router,
        ],
        openapi: {
          path: '/api/users/openapi.json',
          document: buildOpenApi(
            { title: 'SecureEvent user-service', version: '0.1.0', description: 'Accounts, sign-in, sessions, tokens and roles.' },
            [accounts.paths, emailLinks.paths, sessions.paths, mfa.paths, admin.paths, privacy.paths, oidc.paths, directory.paths],
          ),
        },
        consumers: [],
        // Runs after migrations, so the users table exists.
        start: () => bootstrapAdmin({ db: deps.sdb.db, outbox: deps.outbox, hasher: ctx.hasher, logger: deps.logger }, options.admin ?? {}),
      };
    },
  };
}
