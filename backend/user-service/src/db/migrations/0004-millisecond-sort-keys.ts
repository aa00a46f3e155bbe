import type { Migration } from 'kysely';
import { millisecondTimestampsMigration } from '@secureevent/shared';

/** Keyset cursors carry milliseconds: sort keys are stored at that precision. */
export const millisecondSortKeys: Migration = millisecondTimestampsMigration({ users: ['created_at'] });
