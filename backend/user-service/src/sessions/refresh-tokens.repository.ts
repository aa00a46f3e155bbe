import { sql, type Kysely, type Selectable } from 'kysely';
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

    /**
     * The user's live sessions: families neither revoked nor past their lifetime that still hold
     * an unexpired token. Each rotation adds a row, so the newest row says when and from where the
     * session was last used.
     */
    listLiveFamilies(userId: string) {
      return db
        .selectFrom('refresh_tokens')
        .select([
          'family_id',
          sql<Date>`min(created_at)`.as('created_at'),
          sql<Date>`max(created_at)`.as('last_used_at'),
          sql<string | null>`(array_agg(ip order by created_at desc))[1]`.as('ip'),
          sql<string | null>`(array_agg(user_agent order by created_at desc))[1]`.as('user_agent'),
        ])
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('family_expires_at', '>', new Date())
        .groupBy('family_id')
        .having(sql<boolean>`bool_or(used_at is null and expires_at > now())`)
        .orderBy(sql`max(created_at)`, 'desc')
        .execute();
    },

    /** Revokes the family if it is the user's and still live; true when it was. */
    async revokeFamilyOf(userId: string, familyId: string, reason: string): Promise<boolean> {
      const res = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: new Date(), revoke_reason: reason })
        .where('family_id', '=', familyId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
  };
}
