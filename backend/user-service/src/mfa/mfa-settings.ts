import type { Role } from '@secureevent/contracts';
import type { LoginThrottle } from '../security/login-throttle.js';

/** What the second-factor use cases need beyond the accounts context. */
export interface MfaSettings {
  /** 32 bytes: TOTP secrets are sealed with it (AES-256-GCM) before they are stored. */
  key: Buffer;
  /** Users holding any of these roles are led to set up a second factor at sign-in (MFA_REQUIRED_ROLES). */
  requiredRoles: readonly Role[];
  /** Wrong codes, per user and IP, with the sign-in throttle's rules (scope `mfa-code`). */
  throttle: LoginThrottle;
  /** The name authenticator apps show for the account. */
  issuer: string;
}

/** Whether `roles` include one that requires a second factor. */
export const secondFactorRequiredFor = (settings: Pick<MfaSettings, 'requiredRoles'>, roles: readonly Role[]): boolean =>
  roles.some((r) => settings.requiredRoles.includes(r));
