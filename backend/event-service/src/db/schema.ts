import type { Generated } from 'kysely';
import type { MessagingTables } from '@secureevent/shared';
import type { EventStatus, EventVisibility, Question, RegistrationStatus } from '@secureevent/contracts';

/** The `events` schema, owned by the event-service alone. */
export interface EventsDb extends MessagingTables {
  events: {
    id: string;
    title: string;
    description: string;
    /** `description` rendered to sanitised HTML at write time. */
    description_html: string;
    starts_at: Date;
    ends_at: Date;
    time_zone: string;
    venue: string | null;
    online_url: string | null;
    capacity: number;
    visibility: EventVisibility;
    tags: string[];
    status: EventStatus;
    organizer_ids: string[];
    created_by: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    published_at: Date | null;
    registration_opens_at: Date | null;
    registration_closes_at: Date | null;
    questions: Question[];
    /** Kept in step with registrations in the same transaction; the row lock on it serialises seat claims. */
    confirmed_count: Generated<number>;
    waitlisted_count: Generated<number>;
    cancelled_at: Date | null;
    /** Full-text document over title, description and tags. */
    search: unknown;
    /** 16 random bytes (base64url, 22 chars): the invitation link's secret for private events. */
    invite_code: string | null;
    /** The organizer's limit across ticket types; null: only the types' own. `capacity` is the enforced total. */
    overall_capacity: number | null;
  };
  /** An event's ticket types, each with its own quota and counters (kept like the event's, in the same transactions). */
  ticket_types: {
    id: string;
    event_id: string;
    position: number;
    name: string;
    description: string | null;
    capacity: number;
    hidden: Generated<boolean>;
    access_code_required: Generated<boolean>;
    sales_start: Date | null;
    sales_end: Date | null;
    confirmed_count: Generated<number>;
    waitlisted_count: Generated<number>;
  };
  registrations: {
    id: string;
    event_id: string;
    user_id: string;
    status: RegistrationStatus;
    ticket_type_id: string;
    answers: Record<string, string | boolean>;
    /** Strictly increasing across the service: the waitlist order. */
    waitlist_seq: string | null;
    created_at: Generated<Date>;
    confirmed_at: Date | null;
    promoted_at: Date | null;
    cancelled_at: Date | null;
    checked_in_at: Date | null;
    checked_in_by: string | null;
  };
  people: {
    user_id: string;
    /** Null only while a roles message has arrived before the person's profile. */
    display_name: string | null;
    email: string | null;
    /** When the user-service changed the profile (newest wins). */
    updated_at: Generated<Date>;
    roles: Generated<string[]>;
    /** When the user-service set `roles` (newest wins); null while their roles are unknown. */
    roles_at: Date | null;
  };
  idempotency_keys: {
    user_id: string;
    key: string;
    scope: string;
    status: number;
    body: unknown;
    created_at: Generated<Date>;
  };
  /** One secret calendar feed per user; only the token's SHA-256 is kept. */
  calendar_feeds: {
    user_id: string;
    token_hash: string;
    created_at: Generated<Date>;
  };
}
