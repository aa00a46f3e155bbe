import { loadConfig, standaloneEnvSchema } from '@secureevent/shared';

/** The audit-service's configuration, read from the environment once. */
export const loadAuditServiceConfig = () => loadConfig(standaloneEnvSchema, process.env);
