import type { Generated } from 'kysely';
import type { MessagingTables } from '@secureevent/shared';

/** The `audit` schema, owned by the audit-service alone. Entries are append-only. */
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
  };
}
