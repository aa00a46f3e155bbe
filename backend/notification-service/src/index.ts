export { notificationService } from './service.js';
export type { NotificationsDb } from './db/schema.js';
