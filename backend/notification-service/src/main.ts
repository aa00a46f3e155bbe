import { main, runStandalone } from '@secureevent/shared';
import { loadNotificationServiceConfig, notificationOptionsFrom } from './config.js';
import { createNotificationService } from './service.js';

main(async () => {
  const config = loadNotificationServiceConfig();
  await runStandalone({ definition: createNotificationService(notificationOptionsFrom(config)), config, defaultPort: 3003 });
});
