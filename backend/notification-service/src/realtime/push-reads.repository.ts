import type { Kysely } from 'kysely';
import { keysetPage } from '@secureevent/shared';
import type { NotificationDto } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { toNotificationDto } from '../inbox/notifications.repository.js';

/** Reads for pushing and replaying notifications over the WebSocket; returns plain objects. */
export function pushReadsRepository(db: Kysely<NotificationsDb>) {
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
  };
}
