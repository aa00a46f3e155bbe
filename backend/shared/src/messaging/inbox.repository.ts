import { sql, type Transaction } from 'kysely';

/**
 * Records that `consumer` processed `messageId`, inside the transaction that applies its effect.
 * Resolves false when the message was processed before (a duplicate delivery), true otherwise.
 */
export async function recordInboxEntry<DB>(trx: Transaction<DB>, schema: string, consumer: string, messageId: string): Promise<boolean> {
  const { rows } =
    await sql`insert into ${sql.id(schema, 'inbox')} (consumer, message_id) values (${consumer}, ${messageId}) on conflict do nothing returning message_id`.execute(
      trx,
    );
  return rows.length > 0;
}
