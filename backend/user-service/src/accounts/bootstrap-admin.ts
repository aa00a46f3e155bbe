import { AppError, ConfigError, type Logger, type Outbox } from '@secureevent/shared';
import type { PasswordHasher } from '../security/password-hasher.js';
import { registerRequestSchema } from '@secureevent/contracts';
import type { Kysely } from 'kysely';
import type { UsersDb } from '../db/schema.js';
import { registerUser } from './register-user.js';
import { usersRepository } from './users.repository.js';

/**
 * Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when that account does not exist yet.
 * There is no default password: without both variables nothing is created.
 */
export async function bootstrapAdmin(
  deps: { db: Kysely<UsersDb>; outbox: Outbox; hasher: PasswordHasher; logger: Logger },
  admin: { email?: string | undefined; password?: string | undefined },
): Promise<void> {
  if (!admin.email || !admin.password) return;
  const input = registerRequestSchema.parse({ email: admin.email, password: admin.password, displayName: 'Administrator' });
  if (await usersRepository(deps.db).findByEmail(input.email)) return;
  try {
    const user = await registerUser(deps, input, { roles: ['admin', 'organizer', 'attendee'], verified: true });
    deps.logger.info({ userId: user.id }, 'bootstrap admin created');
  } catch (err) {
    if (err instanceof AppError && err.extra.errors) {
      throw new ConfigError(`Invalid configuration: ADMIN_PASSWORD: ${err.extra.errors.map((e) => e.message).join('; ')}`);
    }
    // Another replica created it first.
    if (!(await usersRepository(deps.db).findByEmail(input.email))) throw err;
  }
}
