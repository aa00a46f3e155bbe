import { emailSchema } from '@secureevent/contracts';

/** Why an ID token's email cannot be used to sign in. */
export type EmailRefusal = 'missing_email' | 'invalid_email' | 'unverified_email';

/**
 * The normalised email of an ID token, only when the provider vouches for it. Linking trusts the
 * email to find an existing account, so an unverified one would let anyone who can set an
 * address at the provider take over that account.
 *
 * Verified means `email_verified: true`. Entra ID sends no `email_verified`; it sends
 * `xms_edov: true` when the owner of the email's domain is verified in the tenant, which is
 * accepted in its place, but only when `email_verified` is absent (an explicit false wins).
 */
export function verifiedEmailOf(claims: Record<string, unknown>): { email: string } | { refused: EmailRefusal } {
  if (typeof claims.email !== 'string' || claims.email.trim() === '') return { refused: 'missing_email' };
  const parsed = emailSchema.safeParse(claims.email);
  if (!parsed.success) return { refused: 'invalid_email' };
  const verified = claims.email_verified === undefined ? claims.xms_edov === true : claims.email_verified === true;
  return verified ? { email: parsed.data } : { refused: 'unverified_email' };
}

/** The display name of a new account: the `name` claim, else the email's local part. */
export function displayNameOf(claims: Record<string, unknown>, email: string): string {
  const name = typeof claims.name === 'string' ? claims.name.trim() : '';
  return (name || email.split('@')[0] || email).slice(0, 100);
}
