import { AppError, ErrorCode, newId, type AuthUser } from '@secureevent/shared';
import type { DisableTotpRequest, MfaStatus, RecoveryCodes, TotpConfirmRequest, TotpSetup } from '@secureevent/contracts';
import { mailLocale, requestAccountMail } from '../accounts/account-mail.js';
import type { AccountsContext } from '../accounts/accounts-context.js';
import { recordAudit, type RequestOrigin } from '../security/audit-trail.js';
import { currentUser } from '../sessions/sessions.js';
import { secondFactorRequiredFor } from './mfa-settings.js';
import { mfaRepository } from './mfa.repository.js';
import { checkSecondFactor } from './second-factor.js';
import { newRecoveryCodes, newTotpSecret, openSecret, otpauthUrl, recoveryCodeHash, sealSecret, totpStepOf } from './totp.js';

const alreadyEnabled = () =>
  new AppError(ErrorCode.CONFLICT, 'An authenticator app is already set up. Turn it off before setting up another one.');

/** The caller's second-factor state. */
export async function mfaStatus(ctx: AccountsContext, user: AuthUser): Promise<MfaStatus> {
  const row = await currentUser(ctx, user);
  const repo = mfaRepository(ctx.db);
  const totp = await repo.findTotp(user.id);
  const enabled = Boolean(totp?.confirmed_at);
  return {
    totp: {
      enabled,
      pending: Boolean(totp && !totp.confirmed_at),
      enabledAt: totp?.confirmed_at ? new Date(totp.confirmed_at).toISOString() : null,
    },
    recoveryCodesLeft: enabled ? await repo.countUnusedRecoveryCodes(user.id) : 0,
    required: secondFactorRequiredFor(ctx.mfa, row.roles),
  };
}

/**
 * Starts setting up an authenticator app: a new secret, stored sealed and pending until a code
 * from the app confirms it (a restart replaces a pending secret; an enabled one is refused).
 * The secret is in this answer and nowhere else outside the database: it is never logged.
 */
export async function startTotpSetup(ctx: AccountsContext, user: AuthUser, origin: RequestOrigin): Promise<TotpSetup> {
  const row = await currentUser(ctx, user);
  const secret = newTotpSecret();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await mfaRepository(trx).putPendingTotp(user.id, sealSecret(ctx.mfa.key, secret)))) throw alreadyEnabled();
    await recordAudit(ctx.outbox, trx, {
      actorId: user.id,
      action: 'user.mfa_setup_started',
      targetId: user.id,
      outcome: 'success',
      origin,
    });
  });
  return { secret, otpauthUrl: otpauthUrl(secret, row.email, ctx.mfa.issuer) };
}

/**
 * Confirms the pending authenticator with a code it shows: from now on sign-in asks for a code.
 * Hands out ten recovery codes (only their hashes are kept), audits and mails a notice. The
 * confirming code counts as used: it cannot sign in afterwards.
 */
export async function confirmTotp(
  ctx: AccountsContext,
  user: AuthUser,
  input: TotpConfirmRequest,
  origin: RequestOrigin,
): Promise<RecoveryCodes> {
  const row = await currentUser(ctx, user);
  const repo = mfaRepository(ctx.db);
  const totp = await repo.findTotp(user.id);
  if (!totp) throw new AppError(ErrorCode.CONFLICT, 'No set-up is pending: start it first.');
  if (totp.confirmed_at) throw alreadyEnabled();
  const attempt = await ctx.mfa.throttle.admit(user.id, origin.ip ?? 'unknown');
  const codes = newRecoveryCodes();
  let confirmed: boolean;
  try {
    const step = totpStepOf(openSecret(ctx.mfa.key, totp.secret_sealed), input.code, Date.now());
    confirmed =
      step !== null &&
      (await ctx.db.transaction().execute(async (trx) => {
        const mfa = mfaRepository(trx);
        if (!(await mfa.useStep(user.id, step, { confirm: true }))) return false;
        await mfa.replaceRecoveryCodes(
          user.id,
          codes.map((c) => ({ id: newId('rcv'), hash: recoveryCodeHash(c) })),
        );
        await recordAudit(ctx.outbox, trx, { actorId: user.id, action: 'user.mfa_enabled', targetId: user.id, outcome: 'success', origin });
        await requestAccountMail(trx, ctx.outbox, {
          userId: user.id,
          kind: 'mfa_enabled',
          to: { address: row.email, name: row.display_name },
          locale: mailLocale(row.locale),
        });
        return true;
      }));
  } catch (err) {
    await attempt.abandoned();
    throw err;
  }
  if (!confirmed) {
    await attempt.failed();
    await ctx.db.transaction().execute((trx) =>
      recordAudit(ctx.outbox, trx, {
        actorId: user.id,
        action: 'user.mfa_enabled',
        targetId: user.id,
        outcome: 'failure',
        reason: 'wrong_code',
        origin,
      }),
    );
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The code is not correct. Check the time on your phone and try the newest code.', {
      errors: [{ field: 'body.code', message: 'is not correct' }],
    });
  }
  await attempt.succeeded();
  return { recoveryCodes: codes };
}

/**
 * Turns the authenticator off (and its recovery codes with it) once the caller proves who they
 * are: the current password, a current code or a recovery code. A pending set-up is simply
 * cancelled. Audited; a notice is mailed.
 */
export async function disableTotp(ctx: AccountsContext, user: AuthUser, input: DisableTotpRequest, origin: RequestOrigin): Promise<void> {
  const row = await currentUser(ctx, user);
  const repo = mfaRepository(ctx.db);
  const totp = await repo.findTotp(user.id);
  if (!totp) throw new AppError(ErrorCode.NOT_FOUND, 'No authenticator app is set up.');
  if (!totp.confirmed_at) {
    await repo.deleteTotp(user.id);
    return;
  }
  const refused = async (reason: string, field: string) => {
    await ctx.db.transaction().execute(async (trx) => {
      await recordAudit(ctx.outbox, trx, {
        actorId: user.id,
        action: 'user.mfa_disabled',
        targetId: user.id,
        outcome: 'failure',
        reason,
        origin,
      });
    });
    return new AppError(ErrorCode.VALIDATION_FAILED, 'That is not correct.', { errors: [{ field, message: 'is not correct' }] });
  };
  let usedRecoveryCode = false;
  if (input.currentPassword !== undefined) {
    // The sign-in throttle guards the password, as for a password change.
    const attempt = await ctx.throttle.admit(row.email, origin.ip ?? 'unknown');
    let ok;
    try {
      ok = await ctx.hasher.verify(row.password_hash ?? undefined, input.currentPassword);
    } catch (err) {
      await attempt.abandoned();
      throw err;
    }
    await (ok ? attempt.succeeded() : attempt.failed());
    if (!ok) throw await refused('wrong_password', 'body.currentPassword');
  } else {
    const proof = input.code !== undefined ? { code: input.code } : { recoveryCode: input.recoveryCode ?? '' };
    const result = await checkSecondFactor(ctx, user.id, proof, origin);
    if (!result.ok) throw await refused(result.reason, input.code !== undefined ? 'body.code' : 'body.recoveryCode');
    usedRecoveryCode = result.method === 'recovery';
  }
  await ctx.db.transaction().execute(async (trx) => {
    const mfa = mfaRepository(trx);
    await mfa.deleteTotp(user.id);
    await mfa.replaceRecoveryCodes(user.id, []);
    await mfa.retireChallenges(user.id);
    if (usedRecoveryCode) {
      await recordAudit(ctx.outbox, trx, {
        actorId: user.id,
        action: 'auth.recovery_code_used',
        targetId: user.id,
        outcome: 'success',
        origin,
      });
    }
    await recordAudit(ctx.outbox, trx, { actorId: user.id, action: 'user.mfa_disabled', targetId: user.id, outcome: 'success', origin });
    await requestAccountMail(trx, ctx.outbox, {
      userId: user.id,
      kind: 'mfa_disabled',
      to: { address: row.email, name: row.display_name },
      locale: mailLocale(row.locale),
    });
  });
}
