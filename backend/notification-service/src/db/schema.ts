import type { Generated } from 'kysely';
import type { MessagingTables } from '@secureevent/shared';

/** The `notifications` schema, owned by the notification-service alone. */
export interface NotificationsDb extends MessagingTables {
  notifications: {
    id: string;
    user_id: string;
    kind: string;
    title: string;
    body: string;
    link: string | null;
    /** The message that caused it: a redelivered message must not notify twice. */
    source_message_id: string;
    created_at: Generated<Date>;
    read_at: Date | null;
  };
}
