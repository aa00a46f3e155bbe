import type { Kysely } from 'kysely';
import { PRIVACY_EXPORT_MAX_ITEMS, type PrivacyCollection } from '@secureevent/contracts';
import type { UsersDb } from '../db/schema.js';

/** The name an erased account keeps; the event-service shows the same words in attendee lists. */
export const ERASED_NAME = 'Erased user';

/** An address nobody can own: unique per erased account, so the real address is free for a new sign-up. */
export const erasedEmail = (userId: string) => `${userId}@erased.invalid`;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A collection of at most PRIVACY_EXPORT_MAX_ITEMS newest items: one more is read to know whether it was cut. */
function collection(rows: Record<string, unknown>[]): PrivacyCollection {
  return { items: rows.slice(0, PRIVACY_EXPORT_MAX_ITEMS), truncated: rows.length > PRIVACY_EXPORT_MAX_ITEMS };
}

/** SQL for the user-service's part of an export and for erasing an account; returns plain objects. */
export function privacyRepository(db: Kysely<UsersDb>) {
  return {
    /** Everything this service keeps about `userId`, never a hash or a secret. */
    async exportOf(userId: string): Promise<Record<string, PrivacyCollection>> {
      const account = await db
        .selectFrom('users')
        .select([
          'id',
          'email',
          'display_name',
          'roles',
          'disabled_at',
          'created_at',
          'updated_at',
          'email_verified_at',
          'locale',
          'time_zone',
        ])
        .where('id', '=', userId)
        .executeTakeFirst();
      const sessions = await db
        .selectFrom('refresh_tokens')
        .select(['family_id', 'created_at', 'expires_at', 'used_at', 'revoked_at', 'revoke_reason', 'ip', 'user_agent'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .limit(PRIVACY_EXPORT_MAX_ITEMS + 1)
        .execute();
      const identities = await db
        .selectFrom('identities')
        .select(['issuer', 'subject', 'created_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .limit(PRIVACY_EXPORT_MAX_ITEMS + 1)
        .execute();
      const mailedLinks = await db
        .selectFrom('account_tokens')
        .select(['purpose', 'email', 'created_at', 'expires_at', 'used_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .limit(PRIVACY_EXPORT_MAX_ITEMS + 1)
        .execute();
      return {
        account: collection(
          account
            ? [
                {
                  id: account.id,
                  email: account.email,
                  displayName: account.display_name,
                  roles: account.roles,
                  disabledAt: iso(account.disabled_at),
                  createdAt: iso(account.created_at),
                  updatedAt: iso(account.updated_at),
                  emailVerifiedAt: iso(account.email_verified_at),
                  locale: account.locale,
                  timeZone: account.time_zone,
                },
              ]
            : [],
        ),
        // Each refresh token of a session is a row; the export lists them as the sign-in history.
        sessionTokens: collection(
          sessions.map((s) => ({
            sessionId: s.family_id,
            issuedAt: iso(s.created_at),
            expiresAt: iso(s.expires_at),
            usedAt: iso(s.used_at),
            revokedAt: iso(s.revoked_at),
            revokeReason: s.revoke_reason,
            ip: s.ip,
            userAgent: s.user_agent,
          })),
        ),
        identities: collection(identities.map((i) => ({ issuer: i.issuer, subject: i.subject, linkedAt: iso(i.created_at) }))),
        mailedLinks: collection(
          mailedLinks.map((t) => ({
            purpose: t.purpose,
            email: t.email,
            sentAt: iso(t.created_at),
            expiresAt: iso(t.expires_at),
            usedAt: iso(t.used_at),
          })),
        ),
      };
    },

    /** The account, locked until the transaction ends (undefined when there is none). */
    findForUpdate(userId: string) {
      return db.selectFrom('users').selectAll().where('id', '=', userId).forUpdate().executeTakeFirst();
    },

    /**
     * Anonymises the account row and deletes its sessions, mailed links, linked identities and second factor.
     * The row stays (name "Erased user", an address nobody owns, no password, no roles) so the id is
     * never handed out again and a late message cannot bring the person back.
     */
    async erase(userId: string, at: Date): Promise<void> {
      await db.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
      await db.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
      await db.deleteFrom('identities').where('user_id', '=', userId).execute();
      // The second factor: its sealed secret, recovery codes and sign-in challenges.
      await db.deleteFrom('mfa_challenges').where('user_id', '=', userId).execute();
      await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
      await db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
      await db
        .updateTable('users')
        .set({
          email: erasedEmail(userId),
          display_name: ERASED_NAME,
          password_hash: null,
          roles: [],
          disabled_at: at,
          erased_at: at,
          email_verified_at: null,
          locale: null,
          time_zone: null,
          updated_at: at,
        })
        .where('id', '=', userId)
        .execute();
    },
  };
}
