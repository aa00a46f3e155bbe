import type { Migration } from 'kysely';
import { millisecondTimestampsMigration } from '@secureevent/shared';

/** Keyset cursors carry milliseconds: sort keys are stored at that precision. */
export const millisecondSortKeys: Migration = millisecondTimestampsMigration({
  notifications: ['created_at'],
  email_deliveries: ['created_at'],
});
