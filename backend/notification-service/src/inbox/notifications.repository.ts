import type { Kysely, Selectable } from 'kysely';
import { keysetPage } from '@secureevent/shared';
import type { NotificationDto } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';

type Row = Selectable<NotificationsDb['notifications']>;

/** Maps a row to the API shape. */
export function toNotificationDto(row: Row): NotificationDto {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
  };
}

/** SQL for notifications; returns plain objects. */
export function notificationsRepository(db: Kysely<NotificationsDb>) {
  return {
    async insert(n: Omit<Row, 'created_at' | 'read_at'>): Promise<void> {
      await db
        .insertInto('notifications')
        .values(n)
        .onConflict((oc) => oc.columns(['source_message_id', 'user_id', 'kind']).doNothing())
        .execute();
    },
    async listForUser(userId: string, opts: { before?: { createdAt: string; id: string } | undefined; limit: number }) {
      const q = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
      // Newest first; `before` is the (created_at, id) of the last notification already seen.
      const rows = await keysetPage(q, {
        keys: [
          ['created_at', 'desc'],
          ['id', 'desc'],
        ],
        after: opts.before ? [new Date(opts.before.createdAt), opts.before.id] : undefined,
        limit: opts.limit,
      }).execute();
      return rows.map(toNotificationDto);
    },
    async countUnread(userId: string): Promise<number> {
      const r = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Marks every unread notification of the user read; returns how many changed. */
    async markAllRead(userId: string): Promise<number> {
      const r = await db
        .updateTable('notifications')
        .set({ read_at: new Date() })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    /** Marks one of the user's notifications read; false when it is not theirs or does not exist. */
    async markRead(userId: string, id: string): Promise<boolean> {
      const r = await db
        .updateTable('notifications')
        .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(new Date())) }))
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
