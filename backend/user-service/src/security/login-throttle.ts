import { AppError, createLimiter, ErrorCode, type Cache } from '@secureevent/shared';

/** Failed sign-ins allowed for one account from one IP before it is locked out. */
export const FAILURES_BEFORE_LOCKOUT = 5;
const FIRST_LOCKOUT_SECONDS = 30;
const MAX_LOCKOUT_SECONDS = 15 * 60;
/** Failed sign-ins from one IP, across all accounts, within an hour before the IP is locked for an hour. */
export const IP_FAILURES = 50;

/**
 * Brute-force protection for sign-in, with counters in Redis when configured (shared by replicas):
 * - per account and IP: after 5 failures within 15 minutes the pair is locked, for 30 s the first
 *   time and twice as long each time after (at most 15 minutes);
 * - per IP across accounts: 50 failures an hour lock the IP for an hour (credential stuffing).
 * A success clears the account/IP counter.
 */
export function createLoginThrottle(cache: Cache) {
  const pair = createLimiter(cache, { name: 'login-fail-pair', points: FAILURES_BEFORE_LOCKOUT, durationSeconds: 15 * 60 });
  const lockouts = createLimiter(cache, { name: 'login-lockouts', points: 1_000, durationSeconds: 24 * 3600 });
  const ip = createLimiter(cache, { name: 'login-fail-ip', points: IP_FAILURES, durationSeconds: 3600 });
  const keyOf = (email: string, address: string) => `${email}|${address}`;

  const tooMany = (retryAfterSeconds: number) =>
    new AppError(ErrorCode.RATE_LIMITED, 'Too many failed sign-ins. Wait before trying again.', {
      headers: { 'retry-after': String(retryAfterSeconds) },
      retryAfterSeconds,
    });

  return {
    /** Throws RATE_LIMITED (429 with Retry-After) while the pair or the IP is locked. */
    async assertAllowed(email: string, address: string): Promise<void> {
      const [p, i] = await Promise.all([pair.peek(keyOf(email, address)), ip.peek(address)]);
      if (p.blocked || i.blocked) throw tooMany(Math.max(p.retryAfterSeconds, i.retryAfterSeconds));
    },
    async recordFailure(email: string, address: string): Promise<void> {
      const key = keyOf(email, address);
      const [p, i] = await Promise.all([pair.hit(key), ip.hit(address)]);
      // Lock explicitly at the threshold, so that the 50th failure (not the 51st) closes the door.
      if (i.consumed >= IP_FAILURES) await ip.block(address, 3600);
      if (p.consumed >= FAILURES_BEFORE_LOCKOUT) {
        const n = (await lockouts.hit(key)).consumed;
        await pair.block(key, Math.min(FIRST_LOCKOUT_SECONDS * 2 ** (n - 1), MAX_LOCKOUT_SECONDS));
      }
    },
    async recordSuccess(email: string, address: string): Promise<void> {
      await pair.reset(keyOf(email, address));
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
