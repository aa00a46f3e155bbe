import { buildOpenApi, type ServiceDefinition } from '@secureevent/shared';
import { migrations } from './db/migrations.js';
import type { NotificationsDb } from './db/schema.js';
import { eventPublishedConsumer } from './inbox/event-published.consumer.js';
import { notifyConsumer } from './inbox/notify.consumer.js';
import { notificationsRoutes } from './inbox/notifications.routes.js';

/** The notification-service: in-app inbox, email, reminders and real-time push (schema `notifications`). */
export const notificationService: ServiceDefinition<NotificationsDb> = {
  name: 'notification-service',
  schema: 'notifications',
  create(deps) {
    const inbox = notificationsRoutes(deps);
    return {
      name: 'notification-service',
      schema: 'notifications',
      migrations,
      routers: [inbox.router],
      openapi: {
        path: '/api/notifications/openapi.json',
        document: buildOpenApi(
          {
            title: 'SecureEvent notification-service',
            version: '0.1.0',
            description: 'In-app notifications, email and real-time updates.',
          },
          [inbox.paths],
        ),
      },
      consumers: [eventPublishedConsumer, notifyConsumer],
    };
  },
};
