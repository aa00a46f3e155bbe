import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError, ErrorCode } from '@secureevent/shared';

// The ~49,000 most common passwords, shipped with @zxcvbn-ts/language-common (no network lookup).
const common = new Set(dictionary.passwords.map((p) => p.toLowerCase()));

/** Refuses passwords that are on the common list or that merely repeat the email. Length is checked by the schema. */
export function assertAcceptablePassword(password: string, email: string, field = 'body.password'): void {
  const lowered = password.toLowerCase();
  const local = email.split('@')[0] ?? '';
  const reason = common.has(lowered)
    ? 'is one of the most common passwords; choose another'
    : local.length >= 4 && lowered.includes(local.toLowerCase())
      ? 'must not contain your email address'
      : new Set(lowered).size < 4
        ? 'uses too few different characters'
        : undefined;
  if (reason) throw new AppError(ErrorCode.VALIDATION_FAILED, 'The password is too weak.', { errors: [{ field, message: reason }] });
}
