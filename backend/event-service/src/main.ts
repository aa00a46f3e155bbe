import { main, runStandalone } from '@secureevent/shared';
import { eventServiceOptionsFrom, loadEventServiceConfig } from './config.js';
import { eventService } from './service.js';

main(async () => {
  const config = loadEventServiceConfig();
  await runStandalone({ definition: eventService(eventServiceOptionsFrom(config)), config, defaultPort: 3002 });
});
