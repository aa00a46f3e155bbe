import type { Kysely, Selectable } from 'kysely';
import type { UsersDb } from '../db/schema.js';

/** A stored refresh token: hashes and the sealed successor only, never a usable token. */
export type RefreshTokenRow = Selectable<UsersDb['refresh_tokens']>;

/** SQL for refresh tokens; the rotation rules are in refresh-tokens.ts. */
export function refreshTokensRepository(db: Kysely<UsersDb>) {
  return {
    async insert(row: {
      id: string;
      familyId: string;
      userId: string;
      secretHash: string;
      expiresAt: Date;
      familyExpiresAt: Date;
      ip: string | null;
      userAgent: string | null;
      parentId: string | null;
    }): Promise<void> {
      await db
        .insertInto('refresh_tokens')
        .values({
          id: row.id,
          family_id: row.familyId,
          user_id: row.userId,
          secret_hash: row.secretHash,
          expires_at: row.expiresAt,
          family_expires_at: row.familyExpiresAt,
          ip: row.ip,
          user_agent: row.userAgent,
          parent_id: row.parentId,
        })
        .execute();
    },

    /** The token row, locked until the transaction ends: concurrent presentations are decided one after the other. */
    findForUpdate(id: string): Promise<RefreshTokenRow | undefined> {
      return db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    /** The family, owner and secret hash of a token, unlocked. */
    findFamily(id: string): Promise<Pick<RefreshTokenRow, 'family_id' | 'user_id' | 'secret_hash'> | undefined> {
      return db.selectFrom('refresh_tokens').select(['family_id', 'user_id', 'secret_hash']).where('id', '=', id).executeTakeFirst();
    },

    async markUsed(id: string, successorId: string, successorSealed: string): Promise<void> {
      await db
        .updateTable('refresh_tokens')
        .set({ used_at: new Date(), successor_id: successorId, successor_sealed: successorSealed })
        .where('id', '=', id)
        .execute();
    },

    async dropSealedSuccessor(id: string): Promise<void> {
      await db.updateTable('refresh_tokens').set({ successor_sealed: null }).where('id', '=', id).execute();
    },

    async revokeFamily(familyId: string, reason: string): Promise<void> {
      await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(), revoke_reason: reason })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async revokeAllForUser(userId: string, reason: string, keepFamily?: string): Promise<void> {
      let q = db
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(), revoke_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (keepFamily) q = q.where('family_id', '!=', keepFamily);
      await q.execute();
    },
  };
}
