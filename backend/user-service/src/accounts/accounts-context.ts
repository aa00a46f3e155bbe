import type { Kysely } from 'kysely';
import type { Limiter, Logger, Outbox } from '@secureevent/shared';
import type { UsersDb } from '../db/schema.js';
import type { MfaSettings } from '../mfa/mfa-settings.js';
import type { LoginThrottle } from '../security/login-throttle.js';
import type { PasswordHasher } from '../security/password-hasher.js';
import type { TokenSettings } from './sign-in.js';

/** What the account use cases share: the schema, the outbox, token settings and the security guards. */
export interface AccountsContext {
  db: Kysely<UsersDb>;
  /** The schema `db` is confined to (for shared infrastructure that names its tables). */
  schema: string;
  outbox: Outbox;
  tokens: TokenSettings;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  /** Sign-ups per IP. */
  registrations: Limiter;
  /** The second factor: the key TOTP secrets are sealed with, the roles that require one, the code throttle. */
  mfa: MfaSettings;
  logger: Logger;
}
