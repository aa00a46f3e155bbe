import path from 'node:path';
import { main, persistentSecret, runStandalone } from '@secureevent/shared';
import { assistOptionsFrom } from './assist/assist.config.js';
import { loadEventServiceConfig } from './config.js';
import { eventService } from './service.js';

main(async () => {
  const config = loadEventServiceConfig();
  const ticketSecret = persistentSecret({ value: config.TICKET_SECRET, file: path.join(config.DATA_DIR, 'ticket-secret') });
  await runStandalone({ definition: eventService({ ticketSecret, publicUrl: config.PUBLIC_URL, assist: assistOptionsFrom(config) }), config, defaultPort: 3002 });
});
