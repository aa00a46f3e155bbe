import { z } from 'zod';
import { opaque, singleLine, secret } from './text.js';
import { tokenDeliverySchema } from './users.js';

/** A six-digit code from an authenticator app (RFC 6238, 30-second steps). */
export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be the 6 digits the authenticator app shows')
  .meta({ description: 'The 6-digit code the authenticator app shows now.', example: '123456' });

/** A recovery code as handed out (`xxxxx-xxxxx`); spaces, dashes and case do not matter. */
export const recoveryCodeSchema = singleLine({ min: 10, max: 40 }).meta({
  description: 'One of the recovery codes shown when the authenticator was set up; each works once.',
  example: 'k7d2m-q9xha',
});

/** The answer to starting TOTP set-up: the secret to put into the authenticator app (pending until confirmed). */
export const totpSetupSchema = z
  .object({
    secret: z.string().meta({ description: 'The shared secret, base32 (for typing into an app by hand).' }),
    otpauthUrl: z.string().meta({ description: 'The `otpauth://totp/…` URL to show as a QR code.' }),
  })
  .meta({ id: 'TotpSetup' });
export type TotpSetup = z.infer<typeof totpSetupSchema>;

export const totpConfirmRequestSchema = z.object({ code: totpCodeSchema }).strict().meta({ id: 'TotpConfirmRequest' });
export type TotpConfirmRequest = z.infer<typeof totpConfirmRequestSchema>;

/** The recovery codes, shown once: only hashes are kept. */
export const recoveryCodesSchema = z
  .object({ recoveryCodes: z.array(z.string()).length(10) })
  .meta({ id: 'RecoveryCodes', description: 'Ten single-use recovery codes; they are shown this once only.' });
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

/** Turning the authenticator off needs proof: the current password, a current code, or a recovery code. */
export const disableTotpRequestSchema = z
  .object({
    currentPassword: secret({ min: 1, max: 256 }).optional(),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  })
  .strict()
  .refine((b) => [b.currentPassword, b.code, b.recoveryCode].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of currentPassword, code, recoveryCode',
    path: ['currentPassword'],
  })
  .meta({ id: 'DisableTotpRequest' });
export type DisableTotpRequest = z.infer<typeof disableTotpRequestSchema>;

/** The caller's second-factor state. */
export const mfaStatusSchema = z
  .object({
    totp: z.object({
      enabled: z.boolean(),
      pending: z.boolean().meta({ description: 'Set-up was started but not yet confirmed with a code.' }),
      enabledAt: z.string().nullable(),
    }),
    recoveryCodesLeft: z.number().int(),
    required: z.boolean().meta({ description: 'One of the caller’s roles requires a second factor (MFA_REQUIRED_ROLES).' }),
  })
  .meta({ id: 'MfaStatus' });
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

export const MFA_METHODS = ['totp', 'recovery'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

/** What sign-in answers instead of tokens when the account has a second factor. */
export const mfaChallengeSchema = z
  .object({
    mfaRequired: z.literal(true),
    mfaToken: z.string().meta({ description: 'Single-use, valid 5 minutes: send it with the code to `/api/auth/login/mfa`.' }),
    methods: z.array(z.enum(MFA_METHODS)),
    expiresIn: z.number().int().meta({ description: 'Seconds the mfaToken stays valid.' }),
  })
  .meta({ id: 'MfaChallenge' });
export type MfaChallenge = z.infer<typeof mfaChallengeSchema>;

export const loginMfaRequestSchema = z
  .object({
    mfaToken: opaque({ min: 20, max: 120 }),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
    tokenDelivery: tokenDeliverySchema.optional().meta({ description: 'Defaults to what the sign-in asked for.' }),
  })
  .strict()
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), {
    message: 'give either code or recoveryCode',
    path: ['code'],
  })
  .meta({ id: 'LoginMfaRequest' });
export type LoginMfaRequest = z.infer<typeof loginMfaRequestSchema>;
