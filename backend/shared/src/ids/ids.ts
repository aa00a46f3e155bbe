import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A prefixed, unguessable id such as `evt_3k9…`: 128 random bits in base36 (25 characters).
 * The prefix tells a reader and a validator what kind of thing the id names.
 */
export function newId(prefix: string): string {
  let n = BigInt(`0x${randomBytes(16).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 25; i++) {
    out = alphabet[Number(n % 36n)]! + out;
    n /= 36n;
  }
  return `${prefix}_${out}`;
}

/** A regular expression that matches ids made by `newId(prefix)`. */
export function idPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[0-9a-z]{25}$`);
}
