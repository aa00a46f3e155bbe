import { z } from 'zod';
import { isIanaTimeZone, updateEventRequestSchema } from './events.js';
import { instant, singleLine, text } from './text.js';

/** The longest text the assistant reads (an invitation email or an .ics file fits easily). */
export const ASSIST_TEXT_MAX = 20_000;

export const eventDraftRequestSchema = z
  .object({
    text: text({ max: ASSIST_TEXT_MAX })
      .refine((t) => t.trim().length > 0, 'must not be empty')
      .meta({ description: 'A sentence, an invitation email, or the contents of an .ics file.' }),
    timeZone: singleLine({ max: 100 })
      .refine(isIanaTimeZone, 'must be an IANA time zone')
      .optional()
      .meta({ description: 'The organizer’s IANA time zone, used for times the text gives without one.', example: 'Europe/Berlin' }),
    referenceTime: instant().optional().meta({ description: 'What “today” and “next Friday” are relative to (default: now).' }),
  })
  .strict()
  .meta({ id: 'EventDraftRequest' });
export type EventDraftRequest = z.infer<typeof eventDraftRequestSchema>;

/** The fields of an event a draft may fill: any subset of the create body, validated by the same rules. */
export const eventDraftSchema = updateEventRequestSchema;
export type EventDraft = z.infer<typeof eventDraftSchema>;
export { EVENT_DRAFT_FIELDS, type EventDraftField } from './draft-fields.js';

export const draftWarningSchema = z
  .object({
    field: z.string().meta({ description: 'The draft field the warning is about, or an empty string for the draft as a whole.' }),
    message: z.string(),
  })
  .meta({ id: 'DraftWarning' });
export type DraftWarning = z.infer<typeof draftWarningSchema>;

export const eventDraftResponseSchema = z
  .object({
    draft: z.record(z.string(), z.unknown()).meta({
      description: 'Fields of the event create body (each optional), valid under its rules: submit them as they are or edit them.',
    }),
    warnings: z.array(draftWarningSchema),
    provider: z.string().meta({ description: '`local` (the built-in extractor) or the model that answered.' }),
  })
  .meta({ id: 'EventDraft' });
export type EventDraftResponse = { draft: EventDraft; warnings: DraftWarning[]; provider: string };
