import { AppError, createLimiter, ErrorCode, type Cache } from '@secureevent/shared';

/** Failed sign-ins allowed for one account from one IP before it is locked out. */
export const FAILURES_BEFORE_LOCKOUT = 5;
const FIRST_LOCKOUT_SECONDS = 30;
const MAX_LOCKOUT_SECONDS = 15 * 60;
/** Failed sign-ins from one IP, across all accounts, within an hour before the IP is locked for an hour. */
export const IP_FAILURES = 50;

/** One admitted sign-in attempt: report how the password check went, exactly once. */
export interface LoginAttempt {
  /** The password was right: the account/IP counter starts again and the IP's point is given back. */
  succeeded(): Promise<void>;
  /** The password (or account) was wrong: the points stay spent; at the threshold the door is locked. */
  failed(): Promise<void>;
  /** No password was checked (the hasher refused the work): both points are given back. */
  abandoned(): Promise<void>;
}

/**
 * Brute-force protection for sign-in, with counters in Redis when configured (shared by replicas):
 * - per account and IP: after 5 failures within 15 minutes the pair is locked, for 30 s the first
 *   time and twice as long each time after (at most 15 minutes);
 * - per IP across accounts: 50 failures an hour lock the IP for an hour (credential stuffing).
 *
 * Every attempt spends its points *before* the password is hashed, in one atomic increment per
 * counter: a parallel burst cannot slip more attempts past the check than the limit allows (a
 * check followed by a later count let 30 of 30 parallel guesses through). A success gives the
 * points back, so only failures count in the end.
 */
export function createLoginThrottle(cache: Cache, scope: 'login' | 'mfa-code' = 'login') {
  // `mfa-code` counts wrong second-factor codes by user id and IP with the same rules, in counters of its own.
  const pair = createLimiter(cache, { name: `${scope}-fail-pair`, points: FAILURES_BEFORE_LOCKOUT, durationSeconds: 15 * 60 });
  const lockouts = createLimiter(cache, { name: `${scope}-lockouts`, points: 1_000, durationSeconds: 24 * 3600 });
  const ip = createLimiter(cache, { name: `${scope}-fail-ip`, points: IP_FAILURES, durationSeconds: 3600 });
  const keyOf = (email: string, address: string) => `${email}|${address}`;
  const detail =
    scope === 'login' ? 'Too many failed sign-ins. Wait before trying again.' : 'Too many wrong codes. Wait before trying again.';

  const tooMany = (retryAfterSeconds: number) =>
    new AppError(ErrorCode.RATE_LIMITED, detail, {
      headers: { 'retry-after': String(retryAfterSeconds) },
      retryAfterSeconds,
    });

  return {
    /**
     * Spends one point of the account/IP counter and one of the IP counter. Throws RATE_LIMITED
     * (429 with Retry-After) when either is spent; the caller checks the password only otherwise.
     */
    async admit(email: string, address: string): Promise<LoginAttempt> {
      const key = keyOf(email, address);
      const [p, i] = await Promise.all([pair.hit(key), ip.hit(address)]);
      if (p.blocked || i.blocked) {
        // A refused attempt does not count against the other counter: a locked pair must not
        // use up its IP's allowance for other accounts, and the other way round.
        await Promise.all([p.blocked ? undefined : pair.refund(key), i.blocked ? undefined : ip.refund(address)]);
        throw tooMany(Math.max(p.retryAfterSeconds, i.retryAfterSeconds, 1));
      }
      let settled = false;
      const once = () => {
        if (settled) throw new Error('a login attempt is settled once');
        settled = true;
      };
      return {
        async succeeded() {
          once();
          await Promise.all([pair.reset(key), ip.refund(address)]);
        },
        async failed() {
          once();
          // Lock explicitly at the threshold, so that the 50th failure (not the 51st) closes the door.
          if (i.consumed >= IP_FAILURES) await ip.block(address, 3600);
          if (p.consumed >= FAILURES_BEFORE_LOCKOUT) {
            const n = (await lockouts.hit(key)).consumed;
            await pair.block(key, Math.min(FIRST_LOCKOUT_SECONDS * 2 ** (n - 1), MAX_LOCKOUT_SECONDS));
          }
        },
        async abandoned() {
          once();
          await Promise.all([pair.refund(key), ip.refund(address)]);
        },
      };
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
