import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig, urlWithProtocols } from '@secureevent/shared';

/** The notification-service's environment: the common variables plus outgoing mail. */
export const notificationServiceEnvSchema = z.object({
  ...commonEnv,
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; unset: mail is written as .eml files under DATA_DIR/mail. */
  SMTP_URL: urlWithProtocols(['smtp:', 'smtps:'], 'SMTP'),
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
