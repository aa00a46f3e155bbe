import { z } from 'zod';
import { commonEnv, emptyToUndefined, loadConfig } from '@secureevent/shared';
import { eventServiceEnvSchema } from '@secureevent/event-service';
import { userServiceEnvSchema } from '@secureevent/user-service';

/** The launcher's environment: everything the user-service reads, plus where the SPA build lives. */
export const platformEnvSchema = z.intersection(
  userServiceEnvSchema,
  z.object({
    PORT: commonEnv.PORT,
    SPA_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
    TICKET_SECRET: eventServiceEnvSchema.shape.TICKET_SECRET,
  }),
);
export type PlatformConfig = z.infer<typeof platformEnvSchema>;

/** Reads and validates the environment once. */
export const loadPlatformConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(platformEnvSchema, env);
