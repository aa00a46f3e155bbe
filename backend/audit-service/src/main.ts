import { main, runStandalone } from '@secureevent/shared';
import { auditOptionsFrom, loadAuditServiceConfig } from './config.js';
import { auditService } from './service.js';

main(async () => {
  const config = loadAuditServiceConfig();
  await runStandalone({ definition: auditService(auditOptionsFrom(config)), config, defaultPort: 3004 });
});
