import type { Generated } from 'kysely';
import type { MessagingTables } from '@secureevent/shared';
import type { Role } from '@secureevent/contracts';

/** The `users` schema, owned by the user-service alone. */
export interface UsersDb extends MessagingTables {
  users: {
    id: string;
    email: string;
    display_name: string;
    /** argon2id PHC string; never leaves this service. Null for accounts created by enterprise sign-in (0003_oidc). */
    password_hash: string | null;
    roles: Role[];
    disabled_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    /** When the address was confirmed through a mailed link (0006); null until then. */
    email_verified_at: Generated<Date | null>;
    /** The person's language for the web app and mail (0006): en, de or fr; null follows the browser. */
    locale: Generated<string | null>;
    /** IANA time zone for showing times (0006); null follows the browser. */
    time_zone: Generated<string | null>;
    /** When the account was erased (0010): the row is anonymous from then on. */
    erased_at: Generated<Date | null>;
  };
  /** Single-use tokens mailed as links (0006): only a sha256 of the secret is kept. */
  account_tokens: {
    id: string;
    user_id: string;
    purpose: 'password_reset' | 'email_verification';
    secret_hash: string;
    email: string | null;
    created_at: Generated<Date>;
    expires_at: Date;
    used_at: Date | null;
  };
  refresh_tokens: {
    id: string;
    family_id: string;
    user_id: string;
    secret_hash: string;
    created_at: Generated<Date>;
    expires_at: Date;
    family_expires_at: Date;
    used_at: Date | null;
    revoked_at: Date | null;
    revoke_reason: string | null;
    ip: string | null;
    user_agent: string | null;
    /** The token this one was issued for (0005): a use clears the predecessor's sealed copy. */
    parent_id: Generated<string | null>;
    /** The successor issued when this token was used, and that successor sealed under this token's secret (0005). */
    successor_id: Generated<string | null>;
    successor_sealed: Generated<string | null>;
  };
  /** The user's authenticator (0007_mfa): the TOTP secret, sealed; pending until confirmed with a code. */
  mfa_totp: {
    user_id: string;
    secret_sealed: string;
    created_at: Generated<Date>;
    confirmed_at: Date | null;
    /** bigint: Kysely hands it back as a string from pg, a number or string from PGlite. */
    last_used_step: string | number | bigint | null;
  };
  /** Single-use recovery codes (0007_mfa): only a sha256 of each is kept. */
  mfa_recovery_codes: {
    id: string;
    user_id: string;
    code_hash: string;
    created_at: Generated<Date>;
    used_at: Date | null;
  };
  /** The step between a right password and a right code at sign-in (0007_mfa): the mfaToken, hashed. */
  mfa_challenges: {
    id: string;
    user_id: string;
    secret_hash: string;
    token_delivery: 'cookie' | 'body';
    created_at: Generated<Date>;
    expires_at: Date;
    failed_attempts: Generated<number>;
    used_at: Date | null;
  };
  /** Links an external OpenID Connect identity (issuer + subject) to a local user. */
  identities: {
    issuer: string;
    subject: string;
    user_id: string;
    created_at: Generated<Date>;
  };
}
