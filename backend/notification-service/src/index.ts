export { createNotificationService, notificationService, type NotificationServiceOptions } from './service.js';
export type { NotificationsDb } from './db/schema.js';
