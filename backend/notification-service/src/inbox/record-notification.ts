import type { Kysely } from 'kysely';
import { newId } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import { notificationsRepository } from './notifications.repository.js';

/** Puts a notification in the user's inbox inside the caller's transaction; returns its id (for push after commit). */
export async function recordNotification(
  trx: Kysely<NotificationsDb>,
  n: { userId: string; kind: string; title: string; body: string; link: string | null; sourceKey: string },
): Promise<string> {
  const id = newId('ntf');
  await notificationsRepository(trx).insert({
    id,
    user_id: n.userId,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link,
    source_message_id: n.sourceKey,
  });
  return id;
}
