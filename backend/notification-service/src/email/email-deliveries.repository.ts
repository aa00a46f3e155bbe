import { sql, type Kysely, type Selectable } from 'kysely';
import { keysetPage } from '@secureevent/shared';
import type { EmailDeliveryDto, EmailDeliveryStatus } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import type { EmailPayload } from './email-payload.js';

type Row = Selectable<NotificationsDb['email_deliveries']>;

/** A claimed delivery, ready to render and send. */
export interface ClaimedDelivery {
  id: string;
  userId: string;
  kind: string;
  attempts: number;
  payload: EmailPayload;
}

/** The NOTIFY channel that wakes the delivery workers at commit. */
export const DELIVERY_CHANNEL = 'notifications_email_queued';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** Maps a row to what an admin sees: no address, no body. */
export function toEmailDeliveryDto(row: Row): EmailDeliveryDto {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    sentAt: iso(row.sent_at),
  };
}

/** SQL for outgoing email; returns plain objects. */
export function emailDeliveriesRepository(db: Kysely<NotificationsDb>) {
  return {
    /**
     * Queues one email inside the caller's transaction. The unique key (source, user, kind) makes a
     * redelivered message or a re-run claim a no-op; NOTIFY wakes the worker only if the transaction commits.
     */
    async enqueue(d: { id: string; userId: string; kind: string; sourceKey: string; payload: EmailPayload }): Promise<void> {
      const inserted = await db
        .insertInto('email_deliveries')
        .values({ id: d.id, user_id: d.userId, kind: d.kind, source_key: d.sourceKey, payload: JSON.stringify(d.payload) })
        .onConflict((oc) => oc.columns(['source_key', 'user_id', 'kind']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) await sql`select pg_notify(${DELIVERY_CHANNEL}, '')`.execute(db);
    },

    /**
     * Claims due deliveries for `leaseSeconds`: FOR UPDATE SKIP LOCKED lets replicas share the work,
     * and the lease lets another replica take over a row whose worker died mid-send.
     */
    async claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
      const rows = await db
        .updateTable('email_deliveries')
        .set((eb) => ({ locked_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('email_deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', sql<Date>`now()`)
            .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', sql<Date>`now()`)]))
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'user_id', 'kind', 'attempts', 'payload'])
        .execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        kind: r.kind,
        attempts: r.attempts,
        payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EmailPayload,
      }));
    },

    /** Gives claimed rows back untried (the worker ran out of lease before reaching them). */
    async release(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await db
        .updateTable('email_deliveries')
        .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
        .where('id', 'in', ids)
        .where('status', '=', 'pending')
        .execute();
    },

    async markSent(id: string): Promise<void> {
      await db
        .updateTable('email_deliveries')
        .set({ status: 'sent', sent_at: new Date(), locked_until: null, last_error: null })
        .where('id', '=', id)
        .execute();
    },

    async markRetry(id: string, error: string, delayMs: number): Promise<void> {
      await db
        .updateTable('email_deliveries')
        .set({
          next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
          locked_until: null,
          last_error: error,
        })
        .where('id', '=', id)
        .execute();
    },

    async markFailed(id: string, error: string): Promise<void> {
      await db
        .updateTable('email_deliveries')
        .set({ status: 'failed', locked_until: null, last_error: error })
        .where('id', '=', id)
        .execute();
    },

    async list(opts: { status?: EmailDeliveryStatus | undefined; before?: { createdAt: string; id: string } | undefined; limit: number }) {
      let q = db.selectFrom('email_deliveries').selectAll();
      if (opts.status) q = q.where('status', '=', opts.status);
      // Newest first; `before` is the (created_at, id) of the last delivery already seen.
      const rows = await keysetPage(q, {
        keys: [
          ['created_at', 'desc'],
          ['id', 'desc'],
        ],
        after: opts.before ? [new Date(opts.before.createdAt), opts.before.id] : undefined,
        limit: opts.limit,
      }).execute();
      return rows.map(toEmailDeliveryDto);
    },
  };
}
