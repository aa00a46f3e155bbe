import { z } from 'zod';

/** The type of the entry retention appends after archiving a prefix of the chain. */
export const ARCHIVED_TYPE = 'audit.archived.v1';

/** What an archive tombstone records: the archived range, its last hash (where the remaining chain starts) and the archive's name. */
export const archivedRangeSchema = z.object({
  fromSeq: z.number().int().positive(),
  toSeq: z.number().int().positive(),
  count: z.number().int().nonnegative(),
  lastHash: z.string().regex(/^[0-9a-f]{64}$/),
  archive: z.string().max(200),
});
export type ArchivedRange = z.infer<typeof archivedRangeSchema>;

/** The archived range a tombstone's data records, or undefined when it is not one. */
export function archivedRangeOf(data: unknown): ArchivedRange | undefined {
  const parsed = archivedRangeSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
