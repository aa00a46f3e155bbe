import { z } from 'zod';
import { emptyToUndefined } from '@secureevent/shared';

/**
 * The assistant's settings. Without AI_BASE_URL it uses the local extractor only, which needs no
 * network and no key (the embedded default). With it, an OpenAI-compatible Chat Completions
 * endpoint drafts events and the local extractor is the fallback.
 */
export const assistEnv = {
  AI_BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  AI_API_KEY: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  AI_MODEL: z.preprocess(emptyToUndefined, z.string().min(1).max(200).default('gpt-4o-mini')),
  AI_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(500).max(120_000).default(20_000)),
  AI_MAX_TOKENS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(8_000).default(1_500)),
  /** Drafts one user may ask for per hour (all providers together). */
  ASSIST_DRAFTS_PER_HOUR: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(20)),
};
export const assistEnvSchema = z.object(assistEnv);
export type AssistEnv = z.infer<typeof assistEnvSchema>;

export interface AssistOptions {
  /** The OpenAI-compatible provider, when configured. */
  provider?: { baseUrl: string; apiKey?: string | undefined; model: string; timeoutMs: number; maxTokens: number } | undefined;
  draftsPerHour: number;
}

/** The assistant's options from a validated configuration. */
export function assistOptionsFrom(config: AssistEnv): AssistOptions {
  return {
    provider: config.AI_BASE_URL
      ? {
          baseUrl: config.AI_BASE_URL,
          apiKey: config.AI_API_KEY,
          model: config.AI_MODEL,
          timeoutMs: config.AI_TIMEOUT_MS,
          maxTokens: config.AI_MAX_TOKENS,
        }
      : undefined,
    draftsPerHour: config.ASSIST_DRAFTS_PER_HOUR,
  };
}
