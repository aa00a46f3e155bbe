export { createNotificationService, type NotificationServiceOptions } from './service.js';
export type { NotificationsDb } from './db/schema.js';
export { notificationEnv, notificationOptionsFrom, notificationServiceEnvSchema, type NotificationServiceConfig } from './config.js';
export { mailSettingsFrom, type MailSettings } from './email/mail-settings.js';
