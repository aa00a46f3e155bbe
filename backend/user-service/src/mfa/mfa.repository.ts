import { sql, type Kysely, type Selectable } from 'kysely';
import type { UsersDb } from '../db/schema.js';

export type TotpRow = Selectable<UsersDb['mfa_totp']>;
export type MfaChallengeRow = Selectable<UsersDb['mfa_challenges']>;

/** SQL for the second factor; the rules are in manage-totp.ts and mfa-sign-in.ts. */
export function mfaRepository(db: Kysely<UsersDb>) {
  return {
    findTotp(userId: string): Promise<TotpRow | undefined> {
      return db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
    },
    /** Starts (or restarts) a pending set-up; an enabled authenticator is never overwritten. True when stored. */
    async putPendingTotp(userId: string, secretSealed: string): Promise<boolean> {
      const res = await db
        .insertInto('mfa_totp')
        .values({ user_id: userId, secret_sealed: secretSealed, confirmed_at: null, last_used_step: null })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({ secret_sealed: secretSealed, created_at: new Date(), last_used_step: null })
            .where('mfa_totp.confirmed_at', 'is', null),
        )
        .executeTakeFirst();
      return (res.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    /**
     * Records that a code of `step` was accepted, if no code of this step or a later one was: one
     * conditional update, so of two presentations of one code (concurrent or not) exactly one wins.
     * With `confirm`, the pending authenticator becomes the enabled one in the same statement.
     */
    async useStep(userId: string, step: number, opts: { confirm: boolean }): Promise<boolean> {
      const res = await db
        .updateTable('mfa_totp')
        .set({ last_used_step: step, ...(opts.confirm ? { confirmed_at: new Date() } : {}) })
        .where('user_id', '=', userId)
        .where('confirmed_at', opts.confirm ? 'is' : 'is not', null)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async deleteTotp(userId: string): Promise<boolean> {
      const res = await db.deleteFrom('mfa_totp').where('user_id', '=', userId).executeTakeFirst();
      return res.numDeletedRows > 0n;
    },
    async replaceRecoveryCodes(userId: string, codes: { id: string; hash: string }[]): Promise<void> {
      await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
      if (codes.length > 0) {
        await db
          .insertInto('mfa_recovery_codes')
          .values(codes.map((c) => ({ id: c.id, user_id: userId, code_hash: c.hash, used_at: null })))
          .execute();
      }
    },
    /** Uses up the unused recovery code with this hash; false when there is none (wrong, or used before). */
    async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
      const res = await db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: new Date() })
        .where('id', '=', (eb) =>
          eb
            .selectFrom('mfa_recovery_codes')
            .select('id')
            .where('user_id', '=', userId)
            .where('code_hash', '=', hash)
            .where('used_at', 'is', null)
            .limit(1),
        )
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    async countUnusedRecoveryCodes(userId: string): Promise<number> {
      const row = await db
        .selectFrom('mfa_recovery_codes')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insertChallenge(row: { id: string; userId: string; secretHash: string; tokenDelivery: 'cookie' | 'body'; expiresAt: Date }) {
      await db
        .insertInto('mfa_challenges')
        .values({
          id: row.id,
          user_id: row.userId,
          secret_hash: row.secretHash,
          token_delivery: row.tokenDelivery,
          expires_at: row.expiresAt,
          used_at: null,
        })
        .execute();
    },
    findChallenge(id: string): Promise<MfaChallengeRow | undefined> {
      return db.selectFrom('mfa_challenges').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Counts a wrong code against the challenge; returns the new count. */
    async countFailedAttempt(id: string): Promise<number> {
      const row = await db
        .updateTable('mfa_challenges')
        .set({ failed_attempts: sql`failed_attempts + 1` })
        .where('id', '=', id)
        .returning('failed_attempts')
        .executeTakeFirst();
      return row?.failed_attempts ?? 0;
    },
    /** Uses the challenge up if it is still open; true when this call did it (single use, even under a race). */
    async consumeChallenge(id: string, maxFailures: number): Promise<boolean> {
      const res = await db
        .updateTable('mfa_challenges')
        .set({ used_at: new Date() })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .where('failed_attempts', '<', maxFailures)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },
    /** Ends the user's open challenges (the factor was removed, or a new sign-in started). */
    async retireChallenges(userId: string): Promise<void> {
      await db
        .updateTable('mfa_challenges')
        .set({ used_at: new Date() })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
    },
  };
}
