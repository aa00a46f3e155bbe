import { z } from 'zod';
import { eventIdSchema, userIdSchema } from './common.js';
import { registrationIdSchema } from './events.js';
import { opaque, singleLine } from './text.js';

export * from './ticket-code.js';

/** `POST /api/events/:id/checkins`: the scanned QR's signed token, or the short code typed at the door. */
export const checkinRequestSchema = z
  .union([
    z.object({ ticketToken: opaque({ min: 10, max: 200 }) }).strict(),
    z
      .object({
        code: singleLine({ max: 40 }).meta({
          description: 'The short code, case-insensitive; dashes and spaces are ignored, I/L read as 1 and O as 0.',
          example: '7k3m-9qxd',
        }),
      })
      .strict(),
  ])
  .meta({ id: 'CheckinRequest' });
export type CheckinRequest = z.infer<typeof checkinRequestSchema>;

/** Who was checked in, as the door shows it. */
export const checkinAttendeeSchema = z
  .object({
    displayName: z.string().nullable(),
    email: z.string().nullable(),
    ticketCode: z.string(),
    ticketType: z.string().nullable().meta({ description: 'The name of the ticket’s type.' }),
  })
  .meta({ id: 'CheckinAttendee' });
export type CheckinAttendee = z.infer<typeof checkinAttendeeSchema>;

export const checkinSchema = z
  .object({
    registrationId: registrationIdSchema,
    userId: userIdSchema,
    checkedInAt: z.string(),
    checkedInBy: userIdSchema,
    checkedIn: z.number().int(),
    attendee: checkinAttendeeSchema,
  })
  .meta({ id: 'Checkin' });
/** A ticket checked in at the door. */
export type Checkin = z.infer<typeof checkinSchema>;

/** `GET /api/events/:id/checkins/stats`: the door dashboard's counts. */
export const checkinStatsSchema = z.object({ checkedIn: z.number().int(), confirmed: z.number().int() }).meta({ id: 'CheckinStats' });
export type CheckinStats = z.infer<typeof checkinStatsSchema>;

/** `GET /api/events/:id/checkins/search`: the start of a name, an email or a ticket code. */
export const checkinSearchQuerySchema = z.object({
  q: singleLine({ min: 1, max: 100 }).meta({
    description: 'Prefix of a word of the name or email (accents and case ignored), or of the ticket code.',
    example: 'zoe',
  }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type CheckinSearchQuery = z.infer<typeof checkinSearchQuerySchema>;

/** An attendee the door found, and whether they are in already. */
export const checkinSearchHitSchema = z
  .object({
    registrationId: registrationIdSchema,
    displayName: z.string().nullable(),
    email: z.string().nullable(),
    ticketCode: z.string(),
    ticketType: z.string().nullable(),
    checkedInAt: z.string().nullable(),
    checkedInByName: z.string().nullable(),
  })
  .meta({ id: 'CheckinSearchHit' });
export type CheckinSearchHit = z.infer<typeof checkinSearchHitSchema>;
export const checkinSearchResultSchema = z.object({ items: z.array(checkinSearchHitSchema) }).meta({ id: 'CheckinSearchResult' });
export type CheckinSearchResult = z.infer<typeof checkinSearchResultSchema>;

/** `DELETE /api/events/:id/checkins/:registrationId`: the check-in to undo. */
export const undoCheckinParamsSchema = z.object({ id: eventIdSchema, registrationId: registrationIdSchema });
