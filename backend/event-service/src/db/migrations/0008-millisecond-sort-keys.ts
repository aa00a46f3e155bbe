import { millisecondTimestampsMigration } from '@secureevent/shared';

/** Keyset cursors carry milliseconds: sort keys are stored at that precision. */
export const millisecondSortKeys = millisecondTimestampsMigration({ registrations: ['created_at'] });
