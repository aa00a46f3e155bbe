import path from 'node:path';
import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig, persistentSecret } from '@secureevent/shared';
import { assistEnv, assistOptionsFrom, type AssistEnv } from './assist/assist.config.js';
import type { EventServiceOptions } from './service.js';

/** The event-service's environment: the common variables, the ticket signing secret and the assistant's settings. */
export const eventServiceEnvSchema = z.object({
  ...commonEnv,
  ...assistEnv,
  TICKET_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters').optional()),
  /** Only people whose email address is confirmed may register for events (the access token's `email_verified`). */
  REQUIRE_VERIFIED_EMAIL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['0', '1', 'true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === '1' || v === 'true'),
  ),
});
export type EventServiceConfig = z.infer<typeof eventServiceEnvSchema>;

/** The event-service's options from a validated config (standalone and in the platform alike). */
export function eventServiceOptionsFrom(
  config: Pick<EventServiceConfig, 'DATA_DIR' | 'TICKET_SECRET' | 'PUBLIC_URL' | 'REQUIRE_VERIFIED_EMAIL'> & AssistEnv,
): EventServiceOptions {
  return {
    ticketSecret: persistentSecret({ value: config.TICKET_SECRET, file: path.join(config.DATA_DIR, 'ticket-secret') }),
    publicUrl: config.PUBLIC_URL,
    assist: assistOptionsFrom(config),
    requireVerifiedEmail: config.REQUIRE_VERIFIED_EMAIL,
  };
}

/** The event-service's configuration, read from the environment once. */
export const loadEventServiceConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(eventServiceEnvSchema, env);
