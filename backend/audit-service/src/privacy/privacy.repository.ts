import { sql, type Kysely } from 'kysely';
import { PRIVACY_EXPORT_MAX_ITEMS, type PrivacyCollection } from '@secureevent/contracts';
import type { AuditDb } from '../db/schema.js';

/** SQL for the audit-service's part of a personal-data export; returns plain objects. */
export function privacyRepository(db: Kysely<AuditDb>) {
  return {
    /**
     * The newest entries that name the person: as the actor, as the subject, or as the message's
     * user or target. Personal values in them are keyed references (ADR 0021), as everywhere in the trail.
     */
    async exportOf(userId: string): Promise<Record<string, PrivacyCollection>> {
      const rows = await db
        .selectFrom('entries')
        .select(['seq', 'id', 'type', 'source', 'subject', 'occurred_at', 'action', 'outcome', 'data', 'hash'])
        .where((eb) =>
          eb.or([
            eb('actor', '=', userId),
            eb('subject', '=', userId),
            eb(sql<string>`data->>'userId'`, '=', userId),
            eb(sql<string>`data->>'targetId'`, '=', userId),
          ]),
        )
        .orderBy('seq', 'desc')
        .limit(PRIVACY_EXPORT_MAX_ITEMS + 1)
        .execute();
      return {
        auditEntries: {
          items: rows.slice(0, PRIVACY_EXPORT_MAX_ITEMS).map((r) => ({
            seq: Number(r.seq),
            id: r.id,
            type: r.type,
            source: r.source,
            subject: r.subject,
            occurredAt: new Date(r.occurred_at).toISOString(),
            action: r.action,
            outcome: r.outcome,
            data: r.data,
            hash: r.hash,
          })),
          truncated: rows.length > PRIVACY_EXPORT_MAX_ITEMS,
        },
      };
    },
  };
}
