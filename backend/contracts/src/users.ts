import { z } from 'zod';
import { pageOf, pageQuerySchema, roleSchema, userIdSchema } from './common.js';
import { isIanaTimeZone } from './events.js';
import { emailSchema, opaque, personName, secret, singleLine } from './text.js';

/** The languages of the web app and of account mail. */
export const localeSchema = z.enum(['en', 'de', 'fr']);
export type Locale = z.infer<typeof localeSchema>;

export const registerRequestSchema = z
  .object({
    email: emailSchema,
    password: secret({ min: 12, max: 256 }),
    displayName: personName(),
  })
  .strict()
  .meta({ id: 'RegisterRequest' });
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const userSchema = z
  .object({
    id: userIdSchema,
    email: z.string(),
    displayName: z.string(),
    roles: z.array(roleSchema),
    emailVerified: z.boolean().meta({ description: 'Whether the address was confirmed through the link mailed to it.' }),
    locale: localeSchema.nullable().meta({ description: 'The language the web app and mail use; null follows the browser.' }),
    timeZone: z.string().nullable().meta({ description: 'IANA time zone times are shown in; null follows the browser.' }),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

/** How the refresh token is handed over: an httpOnly cookie (browsers) or also in the body (other clients). */
export const tokenDeliverySchema = z.enum(['cookie', 'body']);

export const loginRequestSchema = z
  .object({
    email: emailSchema,
    password: secret({ min: 1, max: 256 }),
    tokenDelivery: tokenDeliverySchema.default('cookie').meta({ description: '`body` also returns `refreshToken` in the response.' }),
  })
  .strict()
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const tokenResponseSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    refreshToken: z.string().optional().meta({ description: 'Only when the request asked for `tokenDelivery: "body"`.' }),
    mfaSetupRequired: z
      .boolean()
      .optional()
      .meta({ description: 'At sign-in: a role of this user requires a second factor and none is set up yet (MFA_REQUIRED_ROLES).' }),
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const refreshRequestSchema = z
  .object({
    refreshToken: opaque({ min: 10, max: 200 }).optional().meta({ description: 'For non-browser clients; browsers send the cookie.' }),
    tokenDelivery: tokenDeliverySchema.optional(),
  })
  .strict()
  .meta({ id: 'RefreshRequest' });

export const updateMeRequestSchema = z
  .object({
    displayName: personName().optional(),
    locale: localeSchema.nullable().optional(),
    timeZone: singleLine({ max: 100 }).refine(isIanaTimeZone, 'must be an IANA time zone').nullable().optional(),
    email: emailSchema.optional().meta({ description: 'A new address: it takes effect once the link mailed to it is followed.' }),
    currentPassword: secret({ min: 1, max: 256 }).optional(),
    newPassword: secret({ min: 12, max: 256 }).optional(),
  })
  .strict()
  .refine((b) => !b.newPassword || b.currentPassword, { message: 'is required to change the password', path: ['currentPassword'] })
  .refine((b) => !b.email || b.currentPassword, { message: 'is required to change the email address', path: ['currentPassword'] })
  .refine((b) => [b.displayName, b.newPassword, b.locale, b.timeZone, b.email].some((v) => v !== undefined), {
    message: 'give at least one of displayName, locale, timeZone, email, newPassword',
    path: ['displayName'],
  })
  .meta({ id: 'UpdateMeRequest' });
export type UpdateMeRequest = z.infer<typeof updateMeRequestSchema>;

export const setRolesRequestSchema = z
  .object({
    roles: z
      .array(roleSchema)
      .min(1)
      .max(3)
      .refine((r) => new Set(r).size === r.length, 'must not repeat a role'),
  })
  .strict()
  .meta({ id: 'SetRolesRequest' });

export const adminUserSchema = userSchema
  .extend({ disabled: z.boolean(), createdAt: z.string() })
  .meta({ id: 'AdminUser', description: 'A user as admins see them.' });
export type AdminUser = z.infer<typeof adminUserSchema>;
export const adminUserPageSchema = pageOf(adminUserSchema, 'AdminUserPage');
export const listUsersQuerySchema = pageQuerySchema.extend({
  q: singleLine({ max: 100 }).optional().meta({ description: 'Matches email or display name.' }),
});
export const userIdParamsSchema = z.object({ id: userIdSchema });

export const oidcConfigSchema = z
  .object({
    enabled: z.boolean(),
    startUrl: z.string().nullable().meta({ description: 'Where the browser starts enterprise sign-in; null when disabled.' }),
    label: z.string().optional().meta({ description: 'Button text chosen by the operator (OIDC_LOGIN_LABEL).' }),
  })
  .meta({ id: 'OidcConfig', description: 'Whether enterprise sign-in (OpenID Connect) is available.' });
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

/** A single-use token from a link mailed by the platform (password reset, email verification). */
const mailedToken = opaque({ min: 20, max: 120 }).meta({ description: 'The token from the link in the email.' });

export const passwordResetRequestSchema = z.object({ email: emailSchema }).strict().meta({ id: 'PasswordResetRequest' });
export type PasswordResetRequest = z.infer<typeof passwordResetRequestSchema>;

export const passwordResetConfirmSchema = z
  .object({ token: mailedToken, password: secret({ min: 12, max: 256 }) })
  .strict()
  .meta({ id: 'PasswordResetConfirm' });
export type PasswordResetConfirm = z.infer<typeof passwordResetConfirmSchema>;

export const verifyEmailRequestSchema = z.object({ token: mailedToken }).strict().meta({ id: 'VerifyEmailRequest' });
export type VerifyEmailRequest = z.infer<typeof verifyEmailRequestSchema>;

/** One signed-in session (a refresh-token family) of the caller. */
export const sessionSchema = z
  .object({
    id: z.string().meta({ description: 'The session id (`fam_…`).' }),
    createdAt: z.string(),
    lastUsedAt: z.string().meta({ description: 'When its refresh token was last issued (sign-in or refresh).' }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean().meta({ description: 'The session the request came from.' }),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof sessionSchema>;
export const sessionListSchema = z.array(sessionSchema).meta({ id: 'SessionList' });
export const sessionIdParamsSchema = z.object({ id: z.string().regex(/^fam_[0-9a-z]{25}$/, 'must be a session id (fam_…)') });

export const changePasswordRequestSchema = z
  .object({ currentPassword: secret({ min: 1, max: 256 }), newPassword: secret({ min: 12, max: 256 }) })
  .strict()
  .meta({ id: 'ChangePasswordRequest' });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;
