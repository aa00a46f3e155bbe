import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode, newId } from '@secureevent/shared';
import type { LoginMfaRequest, MfaChallenge, User } from '@secureevent/contracts';
import { accounts, toUser } from '../accounts/accounts.js';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { startSession } from '../accounts/sign-in.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { secondFactorRequiredFor } from './mfa-settings.js';
import { mfaRepository } from './mfa.repository.js';
import { checkSecondFactor } from './second-factor.js';

/** How long the step between password and code may take. */
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
/** Wrong codes one mfaToken survives; then the password is needed again. */
export const MFA_TOKEN_MAX_FAILURES = 5;

const tokenPattern = /^(mfa_[0-9a-z]{25})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

type Delivery = 'cookie' | 'body';
type Session = Awaited<ReturnType<typeof startSession>>;

/** What a right password leads to: a session (perhaps with set-up of a factor required), or the second step. */
export type PasswordSignInOutcome =
  { kind: 'session'; session: Session; mfaSetupRequired: boolean } | { kind: 'challenge'; challenge: MfaChallenge };

/**
 * After a right password: with an enabled authenticator, a single-use mfaToken (5 minutes, stored
 * as a sha256) instead of a session; without one, the session, flagged when a role of the user
 * requires a factor (MFA_REQUIRED_ROLES) so the web app leads them to set one up.
 */
export async function afterPassword(
  ctx: AccountsContext,
  user: User,
  origin: RequestOrigin,
  delivery: Delivery,
): Promise<PasswordSignInOutcome> {
  const totp = await mfaRepository(ctx.db).findTotp(user.id);
  if (!totp?.confirmed_at) {
    return {
      kind: 'session',
      session: await startSession(ctx, user, origin, 'auth.login'),
      mfaSetupRequired: secondFactorRequiredFor(ctx.mfa, user.roles),
    };
  }
  const id = newId('mfa');
  const secret = randomBytes(32).toString('base64url');
  await ctx.db.transaction().execute(async (trx) => {
    await mfaRepository(trx).insertChallenge({
      id,
      userId: user.id,
      secretHash: sha256(secret),
      tokenDelivery: delivery,
      expiresAt: new Date(Date.now() + MFA_TOKEN_TTL_SECONDS * 1000),
    });
    await recordAudit(ctx.outbox, trx, {
      actorId: user.id,
      action: 'auth.login',
      targetId: user.id,
      outcome: 'success',
      reason: 'second_factor_required',
      origin,
    });
  });
  return {
    kind: 'challenge',
    challenge: { mfaRequired: true, mfaToken: `${id}.${secret}`, methods: ['totp', 'recovery'], expiresIn: MFA_TOKEN_TTL_SECONDS },
  };
}

/**
 * The second step of sign-in: the mfaToken and a code (or a recovery code). Wrong codes are
 * throttled per user and IP and counted against the token; a code is accepted once; the token is
 * used up by one conditional update, so it starts at most one session.
 */
export async function completeMfaSignIn(ctx: AccountsContext, input: LoginMfaRequest, origin: RequestOrigin) {
  const repo = mfaRepository(ctx.db);
  const audit = (
    targetId: string | null,
    outcome: 'success' | 'failure',
    reason: string | null,
    action: 'auth.mfa_login' | 'auth.recovery_code_used' = 'auth.mfa_login',
  ) => ctx.db.transaction().execute((trx) => recordAudit(ctx.outbox, trx, { actorId: null, action, targetId, outcome, reason, origin }));
  const expired = () => new AppError(ErrorCode.INVALID_TOKEN, 'This sign-in has expired or was already completed. Sign in again.');

  const match = tokenPattern.exec(input.mfaToken);
  const challenge = match ? await repo.findChallenge(match[1]!) : undefined;
  const genuine = challenge && timingSafeEqual(Buffer.from(challenge.secret_hash), Buffer.from(sha256(match![2]!)));
  const open =
    genuine &&
    !challenge.used_at &&
    new Date(challenge.expires_at).getTime() > Date.now() &&
    challenge.failed_attempts < MFA_TOKEN_MAX_FAILURES;
  if (!challenge || !open) {
    await audit(genuine ? challenge.user_id : null, 'failure', 'invalid_mfa_token');
    throw expired();
  }
  const row = await accounts(ctx.db).findById(challenge.user_id);
  if (!row || row.disabled_at) {
    await audit(challenge.user_id, 'failure', 'disabled');
    throw expired();
  }
  const proof = input.code !== undefined ? { code: input.code } : { recoveryCode: input.recoveryCode ?? '' };
  let result;
  try {
    result = await checkSecondFactor(ctx, row.id, proof, origin);
  } catch (err) {
    await audit(row.id, 'failure', 'throttled');
    throw err;
  }
  if (!result.ok) {
    await repo.countFailedAttempt(challenge.id);
    await audit(row.id, 'failure', result.reason);
    throw new AppError(ErrorCode.INVALID_CREDENTIALS, 'The code is not correct.');
  }
  if (!(await repo.consumeChallenge(challenge.id, MFA_TOKEN_MAX_FAILURES))) throw expired();
  if (result.method === 'recovery') {
    const left = await repo.countUnusedRecoveryCodes(row.id);
    await audit(row.id, 'success', `${left} recovery codes left`, 'auth.recovery_code_used');
  }
  const session = await startSession(ctx, toUser(row), origin, 'auth.mfa_login');
  return { session, delivery: input.tokenDelivery ?? challenge.token_delivery };
}
