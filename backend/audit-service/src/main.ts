import { main, runStandalone } from '@secureevent/shared';
import { loadAuditServiceConfig } from './config.js';
import { auditService } from './service.js';

main(() => runStandalone({ definition: auditService, config: loadAuditServiceConfig(), defaultPort: 3004 }));
