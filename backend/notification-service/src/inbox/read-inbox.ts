import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError, cursorCodec, ErrorCode, toPage } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import { notificationsRepository } from './notifications.repository.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));

/** One page of the user's notifications, newest first, with how many are unread. */
export async function listInbox(db: Kysely<NotificationsDb>, userId: string, query: { cursor?: string | undefined; limit: number }) {
  const repo = notificationsRepository(db);
  const items = await repo.listForUser(userId, { before: cursor.decode(query.cursor), limit: query.limit + 1 });
  const page = toPage(items, query.limit, (n) => ({ createdAt: n.createdAt, id: n.id }), cursor.encode);
  return { ...page, unread: await repo.countUnread(userId) };
}

/** Marks one of the user's notifications read; someone else's is indistinguishable from a missing one. */
export async function markNotificationRead(db: Kysely<NotificationsDb>, userId: string, notificationId: string): Promise<void> {
  if (!(await notificationsRepository(db).markRead(userId, notificationId)))
    throw new AppError(ErrorCode.NOT_FOUND, 'No such notification.');
}

/** Marks every notification of the user read; resolves how many were unread. */
export function markAllNotificationsRead(db: Kysely<NotificationsDb>, userId: string): Promise<number> {
  return notificationsRepository(db).markAllRead(userId);
}

/**
 * The inbox's reads for pushing notifications over the WebSocket: what a message created, what a
 * user missed since a notification they saw, and unread counts. The real-time part uses these
 * instead of reading the inbox's table itself.
 */
export function inboxPushReads(db: Kysely<NotificationsDb>) {
  const repo = notificationsRepository(db);
  return {
    /** Unread counts per user (users with none are absent). */
    unreadOf: (userIds: string[]) => repo.unreadOf(userIds),
    /** Notifications by id, for pushing those created outside a consumer (reminders). */
    byIds: (ids: string[]) => repo.byIds(ids),
    /** The notifications one message created. */
    createdBy: (messageId: string) => repo.createdBy(messageId),
    /** The user's notifications newer than `since`, oldest first, with their unread count. */
    since: (userId: string, since: string, limit: number) => repo.since(userId, since, limit),
  };
}
