import { z } from 'zod';
import { commonEnv, loadConfig } from '@secureevent/shared';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The notification-service's environment: the common variables plus outgoing mail. */
export const notificationServiceEnvSchema = z.object({
  ...commonEnv,
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; unset: mail is written as .eml files under DATA_DIR/mail. */
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        { message: 'must be an SMTP URL (smtp:// or smtps://)' },
      )
      .optional(),
  ),
  /** The From header: `address` or `Name <address>`. */
  MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[^\r\n]*[^\s@<>]+@[^\s@<>]+>?$/, 'must be an email address or "Name <address>"')
      .default('SecureEvent <no-reply@secureevent.localhost>'),
  ),
});
export type NotificationServiceConfig = z.infer<typeof notificationServiceEnvSchema>;

/** The notification-service's configuration, read from the environment once. */
export const loadNotificationServiceConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(notificationServiceEnvSchema, env);
