import type { Generated } from 'kysely';
import type { MessagingTables } from '@secureevent/shared';

/** The `audit` schema, owned by the audit-service alone. Entries are append-only, except for archiving (trail/archive-trail.ts). */
export interface AuditDb extends MessagingTables {
  entries: {
    seq: Generated<string>;
    id: string;
    type: string;
    source: string;
    subject: string | null;
    occurred_at: Date;
    recorded_at: Generated<Date>;
    data: unknown;
    prev_hash: string;
    hash: string;
    /** Search facets derived from `data` at record time; not covered by the hash. */
    actor: string | null;
    action: string | null;
    outcome: string | null;
    /** The RFC 8785 canonical JSON the hash covers after `prev_hash` (null for entries recorded before it was kept). */
    canonical: string | null;
  };
}
