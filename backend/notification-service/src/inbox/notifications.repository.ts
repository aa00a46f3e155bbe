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

/** SQL for notifications (the inbox's table; the WebSocket push reads it through the inbox's use cases); returns plain objects. */
export function notificationsRepository(db: Kysely<NotificationsDb>) {
  /** Unread counts per user (users with none are absent). */
  const unreadOf = async (userIds: string[]) => {
    if (userIds.length === 0) return new Map<string, number>();
    const rows = await db
      .selectFrom('notifications')
      .select(['user_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('user_id', 'in', userIds)
      .where('read_at', 'is', null)
      .groupBy('user_id')
      .execute();
    return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
  };
  return {
    unreadOf,
    /** Notifications by id, for pushing those created outside a consumer (reminders). */
    async byIds(ids: string[]) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('notifications').selectAll().where('id', 'in', ids).execute();
      return rows.map((row) => ({ userId: row.user_id, notification: toNotificationDto(row) }));
    },
    /** The notifications one message created (the unique key makes this exactly its own). */
    async createdBy(messageId: string) {
      const rows = await db.selectFrom('notifications').selectAll().where('source_message_id', '=', messageId).execute();
      return rows.map((row) => ({ userId: row.user_id, notification: toNotificationDto(row) }));
    },
    /**
     * The user's notifications newer than `since` in inbox order (created_at, id), oldest first.
     * An id that is not one of theirs replays nothing: the client reloads the inbox instead.
     */
    async since(userId: string, since: string, limit: number): Promise<{ items: NotificationDto[]; unread: number }> {
      const anchor = await db
        .selectFrom('notifications')
        .select('id')
        .where('id', '=', since)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const unread = (await unreadOf([userId])).get(userId) ?? 0;
      if (!anchor) return { items: [], unread };
      // Oldest first after the anchor, compared in SQL: a JS Date would drop the microseconds and replay the anchor itself.
      const anchorAt = db.selectFrom('notifications').select('created_at').where('id', '=', anchor.id);
      const rows = await keysetPage(db.selectFrom('notifications').selectAll().where('user_id', '=', userId), {
        keys: [
          ['created_at', 'asc'],
          ['id', 'asc'],
        ],
        after: [anchorAt, anchor.id],
        limit,
      }).execute();
      return { items: rows.map(toNotificationDto), unread };
    },
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
