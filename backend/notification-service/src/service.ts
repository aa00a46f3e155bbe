import { buildOpenApi, type ServiceDefinition } from '@secureevent/shared';
import { accountMailConsumer } from './account-mail/account-mail.consumer.js';
import { migrations } from './db/migrations/index.js';
import type { NotificationsDb } from './db/schema.js';
import { deliveriesRoutes } from './email/deliveries.routes.js';
import { startDeliveryWorker, type DeliveryWorker } from './email/delivery-worker.js';
import { domainOf, type MailSettings } from './email/mail-settings.js';
import { createMailer } from './email/mailer.js';
import { eventPublishedConsumer } from './inbox/event-published.consumer.js';
import { notifyConsumer } from './inbox/notify.consumer.js';
import { notificationsRoutes } from './inbox/notifications.routes.js';
import { preferencesRoutes } from './preferences/preferences.routes.js';
import { privacyConsumer } from './privacy/privacy.consumer.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { createRealtime, type RealtimeOptions } from './realtime/realtime.js';
import { startReminderClaimer, type ReminderClaimer } from './reminders/reminder-claimer.js';
import { remindersConsumer } from './reminders/reminders.consumer.js';
import { usersConsumer } from './users/users.consumer.js';

/** What the notification-service takes beyond the common adapters: its mail settings come from its config (`notificationOptionsFrom`). */
export interface NotificationServiceOptions {
  mail: MailSettings;
  reminders?: { pollIntervalMs?: number; clock?: () => Date };
  /** WebSocket limits and the availability coalescing interval (tests shrink them). */
  realtime?: RealtimeOptions;
}

/** The notification-service: in-app inbox, email, reminders and real-time push (schema `notifications`). */
export function createNotificationService(options: NotificationServiceOptions): ServiceDefinition<NotificationsDb> {
  return {
    name: 'notification-service',
    schema: 'notifications',
    create(deps) {
      const inbox = notificationsRoutes(deps);
      const preferences = preferencesRoutes(deps);
      const deliveries = deliveriesRoutes(deps);
      const privacy = privacyRoutes(deps);
      const realtime = createRealtime(deps, options.realtime);
      const { mail } = options;
      const clock = options.reminders?.clock ?? (() => new Date());
      const mailer = createMailer({ smtpUrl: mail.smtpUrl, from: mail.from, mailDir: mail.mailDir, logger: deps.logger });
      let worker: DeliveryWorker | undefined;
      let claimer: ReminderClaimer | undefined;
      return {
        async start() {
          await realtime.start();
          worker = await startDeliveryWorker({
            db: deps.sdb.db,
            listen: deps.sdb.listen,
            mailer,
            logger: deps.logger.child({ component: 'email' }),
            baseUrl: mail.baseUrl,
            messageIdDomain: domainOf(mail.from),
            retry: mail.retry,
            pollIntervalMs: mail.pollIntervalMs,
          });
          claimer = await startReminderClaimer({
            db: deps.sdb.db,
            logger: deps.logger.child({ component: 'reminders' }),
            clock,
            pollIntervalMs: options.reminders?.pollIntervalMs,
            afterCommit: (ids) => realtime.pushNotifications(ids),
          });
        },
        async stop() {
          await realtime.stop();
          await claimer?.stop();
          await worker?.stop();
          mailer.close();
        },
        name: 'notification-service',
        schema: 'notifications',
        migrations,
        routers: [privacy.router, inbox.router, preferences.router, deliveries.router],
        openapi: {
          path: '/api/notifications/openapi.json',
          document: buildOpenApi(
            {
              title: 'SecureEvent notification-service',
              version: '0.1.0',
              description: 'In-app notifications, email and real-time updates.',
            },
            [inbox.paths, preferences.paths, deliveries.paths, privacy.paths],
          ),
        },
        consumers: [
          realtime.withNotificationPush(eventPublishedConsumer),
          realtime.withNotificationPush(notifyConsumer),
          usersConsumer,
          accountMailConsumer,
          remindersConsumer(clock),
          realtime.consumer,
          privacyConsumer,
        ],
        upgrade: realtime.upgrade,
      };
    },
  };
}
