import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { AppError, ErrorCode } from '@secureevent/shared';
import { hashPassword, verifyPassword } from '../accounts/password.js';

/**
 * Argon2 work runs at most one per core, and no more than `maxQueue` wait: in a login storm the
 * other routes keep their share of the CPU, and excess logins get a fast 503 instead of piling up.
 */
export function createPasswordHasher(options: { concurrency?: number; maxQueue?: number } = {}) {
  // One core is left to the event loop, so other requests stay responsive while passwords hash.
  const limit = pLimit(options.concurrency ?? Math.max(1, availableParallelism() - 1));
  const maxQueue = options.maxQueue ?? 256;
  const run = <T>(fn: () => Promise<T>): Promise<T> => {
    if (limit.pendingCount >= maxQueue) {
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Too many sign-ins at once; try again in a moment.', {
        headers: { 'retry-after': '1' },
      });
    }
    return limit(fn);
  };
  return {
    hash: (password: string) => run(() => hashPassword(password)),
    // No stored hash (unknown user, or an account made by enterprise sign-in): same work, always false.
    verify: (stored: string | null | undefined, password: string) => run(() => verifyPassword(stored ?? undefined, password)),
  };
}
export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
