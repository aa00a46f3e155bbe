export { createNotificationService, notificationService, type NotificationServiceOptions } from './service.js';
export type { NotificationsDb } from './db/schema.js';
export { notificationServiceEnvSchema, type NotificationServiceConfig } from './config.js';
export { mailSettingsFrom, type MailSettings } from './email/mail-settings.js';
