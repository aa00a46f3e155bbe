import { loadConfig, standaloneEnvSchema } from '@secureevent/shared';

/** The notification-service's configuration, read from the environment once. */
export const loadNotificationServiceConfig = () => loadConfig(standaloneEnvSchema, process.env);
