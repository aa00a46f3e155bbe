import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './delivery-worker.js';
import { isPermanentSmtpFailure } from './mailer.js';

const policy = { baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 6 };

describe('email retry policy', () => {
  it('when attempts grow, then the delay doubles from the base up to the cap, with jitter in its upper half', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('when the SMTP server answers 5xx, then it is permanent; 4xx and connection errors are not', () => {
    expect(isPermanentSmtpFailure(Object.assign(new Error('no such user'), { responseCode: 550 }))).toBe(true);
    expect(isPermanentSmtpFailure(Object.assign(new Error('greylisted'), { responseCode: 451 }))).toBe(false);
    expect(isPermanentSmtpFailure(Object.assign(new Error('refused'), { code: 'ECONNECTION' }))).toBe(false);
    expect(isPermanentSmtpFailure(null)).toBe(false);
  });
});
