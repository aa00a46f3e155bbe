import { z } from 'zod';

/** The columns of the attendee export, in the order they are written; `answers` is one column per registration question. */
export const ATTENDEE_EXPORT_COLUMNS = ['name', 'email', 'status', 'ticketType', 'code', 'registeredAt', 'checkedInAt', 'answers'] as const;
export type AttendeeExportColumn = (typeof ATTENDEE_EXPORT_COLUMNS)[number];
export const ATTENDEE_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type AttendeeExportFormat = (typeof ATTENDEE_EXPORT_FORMATS)[number];

/** `GET /api/events/:id/attendees/export?format=&columns=`: the file's format and its chosen columns (all when absent). */
export const attendeeExportQuerySchema = z.object({
  format: z.enum(ATTENDEE_EXPORT_FORMATS).default('csv'),
  columns: z
    .string()
    .max(200)
    .optional()
    .meta({
      description: `Comma-separated, any of ${ATTENDEE_EXPORT_COLUMNS.join(', ')}; every column when absent.`,
      example: 'name,email,answers',
    })
    .transform((s, ctx) => {
      if (s === undefined) return [...ATTENDEE_EXPORT_COLUMNS];
      const picked = s.split(',').map((c) => c.trim());
      const unknown = picked.filter((c) => !(ATTENDEE_EXPORT_COLUMNS as readonly string[]).includes(c));
      if (unknown.length > 0 || picked.length === 0) {
        ctx.addIssue({ code: 'custom', message: `unknown column: ${unknown.join(', ') || '(none)'}` });
        return z.NEVER;
      }
      // Written in the canonical order, each once, whatever order they were asked in.
      return ATTENDEE_EXPORT_COLUMNS.filter((c) => picked.includes(c));
    }),
});
export type AttendeeExportQuery = z.infer<typeof attendeeExportQuerySchema>;
