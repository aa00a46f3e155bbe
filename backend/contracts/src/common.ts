import { z } from 'zod';
import { opaque } from './text.js';

/** The roles a user may hold (DESIGN.md §1). */
export const ROLES = ['attendee', 'organizer', 'admin'] as const;
export const roleSchema = z.enum(ROLES).meta({ id: 'Role', description: 'A platform role.' });
export type Role = z.infer<typeof roleSchema>;

/** A prefixed id of the given kind, e.g. `evt_…`. */
export function prefixedId(prefix: string, description: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{25}$`), `must be a ${prefix}_ id`)
    .meta({ description, example: `${prefix}_0123456789abcdefghijklmno` });
}

export const userIdSchema = prefixedId('usr', 'User id.');
export const eventIdSchema = prefixedId('evt', 'Event id.');

/** RFC 9457 problem document returned by every error. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().meta({ description: 'Stable UPPER_SNAKE machine code.' }),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof problemSchema>;

/** Cursor paging parameters shared by list endpoints. */
export const pageQuerySchema = z.object({
  cursor: opaque({ max: 200 }).optional().meta({ description: 'Opaque cursor from the previous page.' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size, 1–100.' }),
});

/** A page of items with the cursor of the next page (null on the last page). */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
}
