import { z } from 'zod';
import { userIdSchema } from './common.js';
import { singleLine } from './text.js';

/**
 * `GET /api/users/search`: people who may organize (the organizer or admin role, not disabled), by
 * the start of a word of their name or email (`q`), or by id (`ids`, to show the names of an
 * event's co-organizers). One of the two.
 */
export const organizerSearchQuerySchema = z
  .object({
    q: singleLine({ min: 2, max: 100 })
      .optional()
      .meta({ description: 'The start of a first or last name, or of an email.', example: 'ada' }),
    ids: z
      .string()
      .max(30 * 21)
      .optional()
      .meta({ description: 'Comma-separated user ids (up to 20).' })
      .transform((s, ctx) => {
        if (s === undefined) return undefined;
        const ids = s.split(',').map((id) => id.trim());
        const bad = ids.filter((id) => !userIdSchema.safeParse(id).success);
        if (bad.length > 0 || ids.length > 20) {
          ctx.addIssue({ code: 'custom', message: 'must be up to 20 comma-separated user ids' });
          return z.NEVER;
        }
        return [...new Set(ids)];
      }),
    limit: z.coerce.number().int().min(1).max(20).default(10),
  })
  .refine((q) => (q.q === undefined) !== (q.ids === undefined), { message: 'give either q or ids', path: ['q'] });
export type OrganizerSearchQuery = z.infer<typeof organizerSearchQuerySchema>;

/** Someone who may organize, as others see them: no email, no roles. */
export const organizerCandidateSchema = z.object({ id: userIdSchema, displayName: z.string() }).meta({ id: 'OrganizerCandidate' });
export type OrganizerCandidate = z.infer<typeof organizerCandidateSchema>;
export const organizerSearchResultSchema = z.object({ items: z.array(organizerCandidateSchema) }).meta({ id: 'OrganizerSearchResult' });
export type OrganizerSearchResult = z.infer<typeof organizerSearchResultSchema>;
