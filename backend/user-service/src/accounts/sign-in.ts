import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALG, AppError, ErrorCode } from '@secureevent/shared';
import type { LoginRequest, TokenResponse, User } from '@secureevent/contracts';
import type { KeyStore } from '../keys/key-store.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { refreshTokens } from '../sessions/refresh-tokens.js';
import type { AccountsContext } from './accounts-context.js';
import { toUser, usersRepository } from './users.repository.js';

/** Access tokens live five minutes: short enough that a leaked one is soon useless. */
export const ACCESS_TOKEN_TTL_SECONDS = 300;

/** Token settings shared by sign-in and refresh. */
export interface TokenSettings {
  keys: KeyStore;
  issuer: string;
  audience: string;
}

/** Signs an access token for `user` with the current key. */
export async function issueAccessToken(
  settings: TokenSettings,
  user: Pick<User, 'id' | 'roles'> & Partial<Pick<User, 'emailVerified'>>,
  sessionId?: string,
): Promise<TokenResponse> {
  // `sid` names the session (refresh-token family), so a password change can keep this one alive.
  // `email_verified` lets other services apply REQUIRE_VERIFIED_EMAIL without asking this one.
  const accessToken = await new SignJWT({
    roles: user.roles,
    email_verified: user.emailVerified === true,
    ...(sessionId ? { sid: sessionId } : {}),
  })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: settings.keys.kid, typ: 'at+jwt' })
    .setSubject(user.id)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(settings.keys.signingKey);
  return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

/** A new session for `user`: an access token and the first refresh token of a new family, audited. */
export async function startSession(
  ctx: AccountsContext,
  user: User,
  origin: RequestOrigin,
  action: 'auth.login' | 'auth.oidc_login' | 'auth.mfa_login',
) {
  const refresh = await ctx.db.transaction().execute(async (trx) => {
    const session = await refreshTokens(trx).start(user.id, origin);
    await recordAudit(ctx.outbox, trx, { actorId: user.id, action, targetId: user.id, outcome: 'success', origin });
    return session;
  });
  return { tokens: await issueAccessToken(ctx.tokens, user, refresh.familyId), refreshToken: refresh.token };
}

/**
 * Checks email and password under brute-force limits and returns the account; the caller starts the
 * session or asks for the second factor (mfa/mfa-sign-in.ts). Unknown email, wrong password and
 * disabled account all give the same answer after the same argon2 work, so the endpoint reveals nothing.
 */
export async function checkSignInPassword(ctx: AccountsContext, input: LoginRequest, origin: RequestOrigin): Promise<User> {
  const ip = origin.ip ?? 'unknown';
  const failure = async (targetId: string | null, reason: string) =>
    ctx.db
      .transaction()
      .execute((trx) =>
        recordAudit(ctx.outbox, trx, { actorId: null, action: 'auth.login', targetId, outcome: 'failure', reason, origin }),
      );
  let attempt;
  try {
    // The attempt is counted before any password work: see createLoginThrottle.
    attempt = await ctx.throttle.admit(input.email, ip);
  } catch (err) {
    await failure(null, 'throttled');
    throw err;
  }
  let row, ok;
  try {
    row = await usersRepository(ctx.db).findByEmail(input.email);
    ok = await ctx.hasher.verify(row?.password_hash, input.password);
  } catch (err) {
    await attempt.abandoned();
    throw err;
  }
  if (!row || !ok || row.disabled_at) {
    await attempt.failed();
    await failure(row?.id ?? null, !row ? 'unknown_account' : !ok ? 'wrong_password' : 'disabled');
    throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The email or password is not correct.');
  }
  await attempt.succeeded();
  return toUser(row);
}
