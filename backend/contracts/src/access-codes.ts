import { z } from 'zod';
import { eventIdSchema, prefixedId } from './common.js';
import { ticketTypeIdSchema } from './events.js';
import { instant } from './text.js';

export const accessCodeIdSchema = prefixedId('acc', 'Access code id.');

/**
 * What a code may be: 4–32 letters, digits or `-`. Codes are compared case-insensitively (kept
 * upper-case), so `speaker-2026` and `SPEAKER-2026` are the same code.
 */
export const ACCESS_CODE_PATTERN = /^[A-Za-z0-9-]{4,32}$/;

/** Folds a code as it is stored and compared: trimmed and upper-case. */
export const foldAccessCode = (code: string): string => code.trim().toUpperCase();

/** `POST /api/events/{id}/access-codes`: without `code`, one is generated. */
export const createAccessCodeRequestSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(ACCESS_CODE_PATTERN, 'must be 4–32 letters, digits or -')
      .optional()
      .meta({ description: 'The code people type (case-insensitive). Generated (12 characters) when absent.', example: 'SPEAKERS-2026' }),
    ticketTypeIds: z
      .array(ticketTypeIdSchema)
      .min(1)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, 'ticket type ids must be unique')
      .meta({ description: 'The event’s ticket types this code opens (hidden or code-only ones, or any).' }),
    maxUses: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .nullable()
      .default(null)
      .meta({ description: 'How many registrations it opens; null: no limit.' }),
    validUntil: instant().nullable().default(null).meta({ description: 'After this instant the code no longer opens anything.' }),
  })
  .strict()
  .meta({ id: 'CreateAccessCodeRequest' });
export type CreateAccessCodeRequest = z.infer<typeof createAccessCodeRequestSchema>;

/** An access code as the event's managers see it. */
export const accessCodeSchema = z
  .object({
    id: accessCodeIdSchema,
    eventId: eventIdSchema,
    code: z.string(),
    ticketTypeIds: z.array(ticketTypeIdSchema),
    maxUses: z.number().int().nullable(),
    uses: z.number().int().meta({ description: 'Registrations made with it, counted in the seat claim’s transaction.' }),
    validUntil: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AccessCode' });
export type AccessCodeDto = z.infer<typeof accessCodeSchema>;
export const accessCodeListSchema = z.object({ items: z.array(accessCodeSchema) }).meta({ id: 'AccessCodeList' });
export type AccessCodeList = z.infer<typeof accessCodeListSchema>;
export const accessCodeParamsSchema = z.object({ id: eventIdSchema, codeId: accessCodeIdSchema });
