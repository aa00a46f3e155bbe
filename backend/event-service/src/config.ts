import { z } from 'zod';
import { commonEnv, loadConfig } from '@secureevent/shared';

/** The event-service's environment: the common variables plus the ticket signing secret. */
export const eventServiceEnvSchema = z.object({
  ...commonEnv,
  TICKET_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters').optional()),
});
export type EventServiceConfig = z.infer<typeof eventServiceEnvSchema>;

/** The event-service's configuration, read from the environment once. */
export const loadEventServiceConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(eventServiceEnvSchema, env);
