import type { Migration } from 'kysely';
import { messagingMigration } from '@secureevent/shared';

/** The outbox and inbox tables every service has. */
export const messaging: Migration = messagingMigration;
