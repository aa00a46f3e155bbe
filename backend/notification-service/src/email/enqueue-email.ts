import type { Kysely } from 'kysely';
import { newId } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import { emailDeliveriesRepository } from './email-deliveries.repository.js';
import type { EmailPayload } from './email-payload.js';

/** Queues one e-mail for the delivery worker inside the caller's transaction (sent after commit, retried). */
export async function enqueueEmail(
  trx: Kysely<NotificationsDb>,
  e: { userId: string; kind: string; sourceKey: string; payload: EmailPayload },
): Promise<void> {
  await emailDeliveriesRepository(trx).enqueue({ id: newId('eml'), ...e });
}
