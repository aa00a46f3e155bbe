import type { Kysely } from 'kysely';
import { z } from 'zod';
import { cursorCodec, toPage } from '@secureevent/shared';
import type { EmailDeliveryStatus } from '@secureevent/contracts';
import type { NotificationsDb } from '../db/schema.js';
import { emailDeliveriesRepository } from './email-deliveries.repository.js';

const cursor = cursorCodec(z.object({ createdAt: z.iso.datetime(), id: z.string().max(40) }));

/** One page of outgoing email, newest first, optionally in one state (admins: no addresses, no content). */
export async function listDeliveries(
  db: Kysely<NotificationsDb>,
  query: { status?: EmailDeliveryStatus | undefined; cursor?: string | undefined; limit: number },
) {
  const items = await emailDeliveriesRepository(db).list({
    status: query.status,
    before: cursor.decode(query.cursor),
    limit: query.limit + 1,
  });
  return toPage(items, query.limit, (d) => ({ createdAt: d.createdAt, id: d.id }), cursor.encode);
}
