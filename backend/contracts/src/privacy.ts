import { z } from 'zod';
import { userIdSchema } from './common.js';
import { secret, singleLine } from './text.js';

/** The most items of one collection a service puts into an export part; a longer one is cut and marked `truncated`. */
export const PRIVACY_EXPORT_MAX_ITEMS = 10_000;

/** One kind of record a service holds about the person (registrations, notifications, audit entries…). */
export const privacyCollectionSchema = z
  .object({
    items: z.array(z.record(z.string(), z.unknown())),
    truncated: z
      .boolean()
      .meta({ description: `True when there were more than ${PRIVACY_EXPORT_MAX_ITEMS} items and the oldest were left out.` }),
  })
  .meta({ id: 'PrivacyCollection' });
export type PrivacyCollection = z.infer<typeof privacyCollectionSchema>;

/** What one service holds about the caller (GDPR art. 15 and 20), as its internal export route answers it. */
export const privacyExportPartSchema = z
  .object({
    service: singleLine({ min: 1, max: 60 }),
    userId: userIdSchema,
    collections: z.record(z.string(), privacyCollectionSchema),
  })
  .meta({ id: 'PrivacyExportPart' });
export type PrivacyExportPart = z.infer<typeof privacyExportPartSchema>;

/** `GET /api/users/me/export`: everything every service holds about the caller, one part per service. */
export const privacyExportSchema = z
  .object({
    format: z.literal('secureevent-personal-data/1'),
    userId: userIdSchema,
    exportedAt: z.string(),
    parts: z.array(privacyExportPartSchema),
  })
  .meta({ id: 'PrivacyExport' });
export type PrivacyExport = z.infer<typeof privacyExportSchema>;

/** `DELETE /api/users/me`: erasing one's own account needs the current password. */
export const eraseMeRequestSchema = z
  .object({ password: secret({ min: 1, max: 256 }) })
  .strict()
  .meta({ id: 'EraseMeRequest' });
export type EraseMeRequest = z.infer<typeof eraseMeRequestSchema>;

/** `user.erased.v1`: the person asked to be forgotten (or an admin erased them); every service erases or anonymises what it holds. */
export const userErasedV1 = z.object({
  userId: userIdSchema,
  erasedBy: userIdSchema,
  erasedAt: z.string(),
});
export type UserErasedV1 = z.infer<typeof userErasedV1>;
