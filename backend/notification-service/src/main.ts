import { main, runStandalone } from '@secureevent/shared';
import { loadNotificationServiceConfig } from './config.js';
import { notificationService } from './service.js';

main(() => runStandalone({ definition: notificationService, config: loadNotificationServiceConfig(), defaultPort: 3003 }));
