import { hash, verify, type Algorithm } from '@node-rs/argon2';

// Algorithm.Argon2id: the enum is a const enum, which verbatimModuleSyntax cannot import by value.
const ARGON2ID = 2 as Algorithm;

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** A hash of a random password, verified against when the user does not exist so that timing reveals nothing. */
const dummyHash = hash('not-a-real-password-ever-used', options);

/** Verifies a password; with no stored hash it still spends the same time and returns false. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
