import type { Kysely, Selectable } from 'kysely';
import type { UsersDb } from '../db/schema.js';

type UserRow = Selectable<UsersDb['users']>;

/** SQL for the links between external OpenID identities (issuer + subject) and local users. */
export function identitiesRepository(db: Kysely<UsersDb>) {
  return {
    /** The user an identity is linked to. */
    findUser(issuer: string, subject: string): Promise<UserRow | undefined> {
      return db
        .selectFrom('identities')
        .innerJoin('users', 'users.id', 'identities.user_id')
        .selectAll('users')
        .where('identities.issuer', '=', issuer)
        .where('identities.subject', '=', subject)
        .executeTakeFirst();
    },
    /** Whether the user is already linked to some identity of this issuer. */
    async hasIdentityAt(userId: string, issuer: string): Promise<boolean> {
      const row = await db
        .selectFrom('identities')
        .select('subject')
        .where('user_id', '=', userId)
        .where('issuer', '=', issuer)
        .executeTakeFirst();
      return row !== undefined;
    },
    /** Links the identity to the user; a link that already exists is left as it is. */
    async link(issuer: string, subject: string, userId: string): Promise<void> {
      await db
        .insertInto('identities')
        .values({ issuer, subject, user_id: userId })
        .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
        .execute();
    },
  };
}
