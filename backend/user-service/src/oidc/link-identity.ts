import type { Role, User } from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { createAccount } from '../accounts/register-user.js';
import { accounts, toUser } from '../accounts/accounts.js';
import { identitiesRepository } from './identities.repository.js';

/** A person as the identity provider vouches for them; `email` is verified and normalised. */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  email: string;
  displayName: string;
}

/** The local account of an identity, how it was found, or why there is none. */
export type LinkResult =
  | { outcome: 'linked' | 'linked_by_email' | 'created'; user: User }
  | { outcome: 'disabled'; userId: string }
  | { outcome: 'identity_conflict'; userId: string }
  | { outcome: 'email_race' };

/**
 * Finds or creates the local account of an external identity, in one transaction:
 * 1. an account already linked to (issuer, subject) is that person's, whatever the email says now;
 * 2. else the account with the same verified email is linked, unless it is already linked to another
 *    subject of the same issuer (the address was reassigned to someone else at the provider);
 * 3. else a new account with `roles` and no password is created and announced (`user.registered.v1`).
 * A disabled account is refused before anything is linked.
 */
export async function linkIdentity(
  ctx: Pick<AccountsContext, 'db' | 'outbox'>,
  identity: ExternalIdentity,
  roles: Role[],
): Promise<LinkResult> {
  return ctx.db.transaction().execute(async (trx): Promise<LinkResult> => {
    const identities = identitiesRepository(trx);
    const linked = await identities.findUser(identity.issuer, identity.subject);
    if (linked) return linked.disabled_at ? { outcome: 'disabled', userId: linked.id } : { outcome: 'linked', user: toUser(linked) };

    const sameEmail = await accounts(trx).findByEmail(identity.email);
    if (sameEmail) {
      if (sameEmail.disabled_at) return { outcome: 'disabled', userId: sameEmail.id };
      if (await identities.hasIdentityAt(sameEmail.id, identity.issuer)) return { outcome: 'identity_conflict', userId: sameEmail.id };
      await identities.link(identity.issuer, identity.subject, sameEmail.id);
      return { outcome: 'linked_by_email', user: toUser(sameEmail) };
    }

    const created = await createAccount(trx, ctx.outbox, {
      email: identity.email,
      displayName: identity.displayName,
      roles,
      passwordHash: null,
      emailVerified: true,
    });
    // Someone signed up with this email between the lookup and the insert; the next attempt links it.
    if (!created) return { outcome: 'email_race' };
    await identities.link(identity.issuer, identity.subject, created.id);
    return { outcome: 'created', user: created };
  });
}
