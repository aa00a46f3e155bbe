import type { AccountsContext } from '../accounts/accounts-context.js';
import type { RequestOrigin } from '../security/audit-trail.js';
import { mfaRepository } from './mfa.repository.js';
import { openSecret, recoveryCodeHash, totpStepOf } from './totp.js';

/** A code from the authenticator app, or one of the recovery codes. */
export type SecondFactorProof = { code: string; recoveryCode?: undefined } | { code?: undefined; recoveryCode: string };

export type SecondFactorCheck =
  { ok: true; method: 'totp' | 'recovery' } | { ok: false; reason: 'wrong_code' | 'replayed_code' | 'wrong_recovery_code' | 'no_factor' };

/**
 * Checks a code against the user's enabled authenticator, or uses up one of their recovery codes,
 * under the code throttle (per user and IP, counted before the check: a parallel burst gets no more
 * guesses than the limit). A TOTP code is accepted once: its 30-second step must be newer than the
 * last one accepted, recorded by one conditional update. Throws RATE_LIMITED when throttled.
 */
export async function checkSecondFactor(
  ctx: AccountsContext,
  userId: string,
  proof: SecondFactorProof,
  origin: RequestOrigin,
): Promise<SecondFactorCheck> {
  const attempt = await ctx.mfa.throttle.admit(userId, origin.ip ?? 'unknown');
  let result: SecondFactorCheck;
  try {
    result = await check(ctx, userId, proof);
  } catch (err) {
    await attempt.abandoned();
    throw err;
  }
  await (result.ok ? attempt.succeeded() : attempt.failed());
  return result;
}

async function check(ctx: AccountsContext, userId: string, proof: SecondFactorProof): Promise<SecondFactorCheck> {
  const repo = mfaRepository(ctx.db);
  const totp = await repo.findTotp(userId);
  if (!totp?.confirmed_at) return { ok: false, reason: 'no_factor' };
  if (proof.recoveryCode !== undefined) {
    return (await repo.useRecoveryCode(userId, recoveryCodeHash(proof.recoveryCode)))
      ? { ok: true, method: 'recovery' }
      : { ok: false, reason: 'wrong_recovery_code' };
  }
  const step = totpStepOf(openSecret(ctx.mfa.key, totp.secret_sealed), proof.code, Date.now());
  if (step === null) return { ok: false, reason: 'wrong_code' };
  return (await repo.useStep(userId, step, { confirm: false })) ? { ok: true, method: 'totp' } : { ok: false, reason: 'replayed_code' };
}
