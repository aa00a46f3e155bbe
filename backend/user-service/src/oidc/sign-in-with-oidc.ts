import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode, type Cache } from '@secureevent/shared';
import type { Role } from '@secureevent/contracts';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { startSession } from '../accounts/sign-in.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import type { AuthorizationChecks, IdentityProvider } from './identity-provider.js';
import { linkIdentity } from './link-identity.js';
import { displayNameOf, verifiedEmailOf } from './oidc-claims.js';
import { safeReturnTo } from './return-to.js';

/** How long a started sign-in may take at the provider before its state is forgotten. */
export const PENDING_SIGN_IN_SECONDS = 600;

/** What enterprise sign-in needs: the account use cases, the provider, and a cache for pending sign-ins. */
export interface OidcContext {
  accounts: AccountsContext;
  provider: IdentityProvider;
  cache: Cache;
  /** Roles of accounts created by enterprise sign-in. */
  defaultRoles: Role[];
}

/** A sign-in between /start and /callback, kept server-side under its state. */
interface PendingSignIn {
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

const pendingKey = (state: string) => `oidc:pending:${state}`;
const random = () => randomBytes(32).toString('base64url');

/**
 * Starts a sign-in at the identity provider: fresh state, nonce and PKCE verifier, remembered
 * server-side for 10 minutes. Returns the provider URL and the state, which the caller binds to
 * the browser (so a callback carrying someone else's state is refused: login CSRF).
 */
export async function beginOidcSignIn(ctx: OidcContext, returnTo: string | undefined): Promise<{ url: URL; state: string }> {
  const checks: AuthorizationChecks = { state: random(), nonce: random(), codeVerifier: random() };
  // Asks the provider first: when it is down nothing is stored and the caller gets 503.
  const url = await ctx.provider.authorizationUrl(checks);
  const pending: PendingSignIn = { nonce: checks.nonce, codeVerifier: checks.codeVerifier, returnTo: safeReturnTo(returnTo) };
  await ctx.cache.set(pendingKey(checks.state), pending, PENDING_SIGN_IN_SECONDS);
  return { url, state: checks.state };
}

/** The provider's redirect back to us, as received. */
export interface OidcCallback {
  /** `state` from the query string. */
  state: string | undefined;
  /** `state` from the browser's short-lived cookie. */
  browserState: string | undefined;
  /** `error` from the query string, when the provider refused. */
  error: string | undefined;
  /** The redirect URI with the query string exactly as the provider sent it. */
  url: URL;
}

const startAgain = 'Start the sign-in again from the SecureEvent sign-in page.';

/**
 * Finishes a sign-in: checks the state against the browser and the pending entry (single use),
 * exchanges the code (PKCE, nonce), requires a verified email, finds, links or creates the account
 * (see `linkIdentity`) and starts a session. Every refusal is audited and is a typed error.
 */
export async function completeOidcSignIn(ctx: OidcContext, callback: OidcCallback, origin: RequestOrigin) {
  const refuse = async (reason: string, error: AppError, targetId: string | null = null): Promise<never> => {
    await ctx.accounts.db
      .transaction()
      .execute((trx) =>
        recordAudit(ctx.accounts.outbox, trx, { actorId: null, action: 'auth.oidc_login', targetId, outcome: 'failure', reason, origin }),
      );
    throw error;
  };

  if (!callback.state || callback.state !== callback.browserState) {
    return refuse('state_mismatch', new AppError(ErrorCode.UNAUTHENTICATED, `This sign-in did not start in this browser. ${startAgain}`));
  }
  const key = pendingKey(callback.state);
  const pending = await ctx.cache.get<PendingSignIn>(key);
  if (!pending)
    return refuse('state_unknown', new AppError(ErrorCode.UNAUTHENTICATED, `This sign-in has expired or was already used. ${startAgain}`));
  await ctx.cache.delete(key);

  if (callback.error) {
    const code = /^[\w.-]{1,64}$/.test(callback.error) ? callback.error : 'unknown';
    return refuse(
      `provider_error:${code}`,
      new AppError(ErrorCode.UNAUTHENTICATED, `The identity provider did not sign you in (${code}).`),
    );
  }

  const checks: AuthorizationChecks = { state: callback.state, nonce: pending.nonce, codeVerifier: pending.codeVerifier };
  const claims = await ctx.provider.exchangeCode(callback.url, checks).catch((err: unknown) => {
    if (err instanceof AppError) return refuse('code_exchange_failed', err);
    throw err;
  });

  const email = verifiedEmailOf(claims);
  if ('refused' in email) {
    return refuse(
      email.refused,
      new AppError(
        ErrorCode.FORBIDDEN,
        'Your company account has no verified email address, so it cannot be used to sign in here. Ask your IT team.',
      ),
    );
  }

  const result = await linkIdentity(
    ctx.accounts,
    { issuer: claims.iss, subject: claims.sub, email: email.email, displayName: displayNameOf(claims, email.email) },
    ctx.defaultRoles,
  );
  switch (result.outcome) {
    case 'disabled':
      return refuse('disabled', new AppError(ErrorCode.ACCOUNT_DISABLED, 'This account is disabled. Ask an administrator.'), result.userId);
    case 'identity_conflict':
      return refuse(
        'identity_conflict',
        new AppError(ErrorCode.CONFLICT, 'An account with this email is already linked to another company identity. Ask an administrator.'),
        result.userId,
      );
    case 'email_race':
      return refuse('email_race', new AppError(ErrorCode.CONFLICT, `An account with this email was just created. ${startAgain}`));
    case 'linked':
    case 'linked_by_email':
    case 'created': {
      const session = await startSession(ctx.accounts, result.user, origin, 'auth.oidc_login');
      return { ...session, returnTo: pending.returnTo };
    }
  }
}
