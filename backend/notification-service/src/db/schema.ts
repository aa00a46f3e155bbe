import type { Generated } from 'kysely';
import type { MessagingTables } from '@secureevent/shared';

/**
 * What the WebSocket gateway needs to decide who may watch an event: a projection of the
 * event-service's messages (it never reads the event-service's tables). Published events only:
 * a draft has no room to watch.
 */
export interface RealtimeTables {
  realtime_events: {
    event_id: string;
    visibility: 'public' | 'internal' | 'private';
    /** Known from `event.published.v1`; empty when the event was first seen through another message. */
    organizer_ids: Generated<string[]>;
    status: 'published' | 'cancelled';
    /**
     * When the event-service made the change the row reflects (the message's publishedAt, updatedAt
     * or cancelledAt); null when first seen through a message that carries no such time. A message
     * older than this changes nothing, so a late `event.published.v1` cannot reopen a cancelled event.
     */
    version: Date | null;
  };
  /** Who holds a live registration (confirmed or waitlisted): they may watch a private event. */
  realtime_registrations: {
    event_id: string;
    user_id: string;
  };
}

/** The `notifications` schema, owned by the notification-service alone. */
export interface NotificationsDb extends MessagingTables, RealtimeTables {
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
  /** Projection of user.registered.v1: where to send a user's email, and how to greet them. */
  users: {
    user_id: string;
    email: string;
    display_name: string;
    updated_at: Generated<Date>;
  };
  /** A user's choice per notification kind; a kind without a row uses its default. */
  preferences: {
    user_id: string;
    kind: string;
    channel: 'in_app' | 'email' | 'both';
    updated_at: Generated<Date>;
  };
  /** Outgoing email, written in the transaction that decided to send it and sent by the delivery worker. */
  email_deliveries: {
    id: string;
    user_id: string;
    kind: string;
    /** The message (or reminder) that caused it: with user_id and kind, unique, so a redelivery cannot send twice. */
    source_key: string;
    /** What the template needs; rendered at send time with the recipient's current address. */
    payload: unknown;
    status: Generated<'pending' | 'sent' | 'failed'>;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    /** Lease of the worker that claimed the row: other replicas skip it until then. */
    locked_until: Date | null;
    last_error: string | null;
    created_at: Generated<Date>;
    sent_at: Date | null;
  };
  /** Projection of the event messages: what reminders and calendar attachments need. */
  events: {
    event_id: string;
    title: string;
    starts_at: Date;
    ends_at: Date | null;
    time_zone: string | null;
    cancelled_at: Date | null;
    /** Time of the message that last changed the row; older messages do not overwrite newer facts. */
    version: Date;
  };
  /** One row per live registration and offset before the start: the reminder schedule. */
  reminders: {
    registration_id: string;
    offset_minutes: number;
    event_id: string;
    user_id: string;
    due_at: Date;
    status: 'pending' | 'sent' | 'dropped';
    /** Time of the registration message behind the row, so an older message cannot undo a newer one. */
    registration_at: Date;
    sent_at: Date | null;
  };
}
