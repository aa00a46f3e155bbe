import { sql, type Kysely } from 'kysely';
import type { NotificationsDb } from '../db/schema.js';

/** A recipient as the notification-service knows them. */
export interface Recipient {
  userId: string;
  email: string;
  displayName: string;
}

/** SQL for the user projection (email address and display name per user); returns plain objects. */
export function usersRepository(db: Kysely<NotificationsDb>) {
  return {
    /** Keeps the newest profile: `at` is when the user-service changed it; an older message (a late redelivery) changes nothing. */
    async upsert(r: Recipient, at: Date): Promise<void> {
      await db
        .insertInto('users')
        .values({ user_id: r.userId, email: r.email, display_name: r.displayName, updated_at: at })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({ email: r.email, display_name: r.displayName, updated_at: at })
            .where(sql<boolean>`${sql.ref('users.updated_at')} < ${at}`),
        )
        .execute();
    },
    async find(userId: string): Promise<Recipient | undefined> {
      const row = await db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
      // An erased person keeps a row with an empty address (privacy/): nobody to write to.
      return row && row.email !== '' ? { userId: row.user_id, email: row.email, displayName: row.display_name } : undefined;
    },
  };
}
