import { z } from 'zod';
import { commonEnv, loadConfig } from '@secureevent/shared';
import { assistEnv } from './assist/assist.config.js';

/** The event-service's environment: the common variables, the ticket signing secret and the assistant's settings. */
export const eventServiceEnvSchema = z.object({
  ...commonEnv,
  ...assistEnv,
  TICKET_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters').optional()),
});
export type EventServiceConfig = z.infer<typeof eventServiceEnvSchema>;

/** The event-service's configuration, read from the environment once. */
export const loadEventServiceConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(eventServiceEnvSchema, env);
