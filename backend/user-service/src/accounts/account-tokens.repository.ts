import type { Kysely, Selectable } from 'kysely';
import type { UsersDb } from '../db/schema.js';

export type AccountTokenRow = Selectable<UsersDb['account_tokens']>;
export type AccountTokenPurpose = AccountTokenRow['purpose'];

/** SQL for the single-use tokens mailed as links; the rules are in mailed-tokens.ts. */
export function accountTokensRepository(db: Kysely<UsersDb>) {
  return {
    async insert(row: {
      id: string;
      userId: string;
      purpose: AccountTokenPurpose;
      secretHash: string;
      email: string | null;
      expiresAt: Date;
    }) {
      await db
        .insertInto('account_tokens')
        .values({
          id: row.id,
          user_id: row.userId,
          purpose: row.purpose,
          secret_hash: row.secretHash,
          email: row.email,
          expires_at: row.expiresAt,
        })
        .execute();
    },
    find(id: string, purpose: AccountTokenPurpose): Promise<AccountTokenRow | undefined> {
      return db.selectFrom('account_tokens').selectAll().where('id', '=', id).where('purpose', '=', purpose).executeTakeFirst();
    },
    /**
     * Marks the token used if it still is unused and unexpired; true when this call did it. One
     * conditional update, so of two concurrent presentations exactly one wins.
     */
    async consume(id: string): Promise<boolean> {
      const res = await db
        .updateTable('account_tokens')
        .set({ used_at: new Date() })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    /** Ends every unused token of the user for `purpose`: only the newest link works. */
    async retireAll(userId: string, purpose: AccountTokenPurpose): Promise<void> {
      await db
        .updateTable('account_tokens')
        .set({ used_at: new Date() })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute();
    },
  };
}
