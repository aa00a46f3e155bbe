import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig, urlWithProtocols } from '@secureevent/shared';
import { mailSettingsFrom } from './email/mail-settings.js';
import type { NotificationServiceOptions } from './service.js';

/** The settings that are the notification-service's own (outgoing mail), as the platform launcher passes them too. */
export const notificationEnv = {
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
};

/** The notification-service's environment: the common variables plus outgoing mail. */
export const notificationServiceEnvSchema = z.object({ ...commonEnv, ...notificationEnv });
export type NotificationServiceConfig = z.infer<typeof notificationServiceEnvSchema>;

/** The notification-service's configuration, read from the environment once. */
export const loadNotificationServiceConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(notificationServiceEnvSchema, env);

/** The notification-service's options from a validated config (standalone or embedded): where and how mail goes. */
export function notificationOptionsFrom(config: {
  SMTP_URL?: string | undefined;
  MAIL_FROM: string;
  DATA_DIR: string;
  PUBLIC_URL?: string | undefined;
}): Pick<NotificationServiceOptions, 'mail'> {
  return { mail: mailSettingsFrom(config) };
}
