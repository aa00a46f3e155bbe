import { MessageType } from '@secureevent/contracts';
import { eraseAuditSubjectKey } from '../audit/subject-keys.repository.js';
import type { ServiceDb } from '../db/database.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { defineConsumer, startConsumers } from '../messaging/consumer.js';
import type { Transport } from '../messaging/transport.js';
import { disabledUsersChannel, loadDisabledUserIds, migrateDisabledUsers, recordAccountState } from './disabled-users.repository.js';
import type { TokenVerifier } from './token-verifier.js';

export { recordAccountState } from './disabled-users.repository.js';

/** How often every replica rereads the set even without a NOTIFY (a missed wake-up heals within this). */
export const DISABLED_USERS_POLL_MS = 30_000;

/** The set of disabled accounts a service refuses, kept current on every replica. */
export interface DisabledUsers {
  has(userId: string): boolean;
  /** Wraps a verifier so that a valid token of a disabled account is refused with 401 UNAUTHENTICATED. */
  guard(verifier: TokenVerifier): TokenVerifier;
  /** Creates the table, subscribes the consumer, LISTENs and loads the set; call after the service's migrations. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Disabled accounts are refused by every service at once, not only when their access tokens expire.
 *
 * Replicas of a service compete for their queue's messages, so the one that consumes
 * `user.disabled.v1`/`user.enabled.v1` writes the service's `disabled_users` table in the
 * consumer transaction and NOTIFYs the schema's channel; every replica LISTENs and rereads the set
 * (also at start, after a reconnect, and every `DISABLED_USERS_POLL_MS` as a fallback). Token
 * checks then stay local and synchronous: a lookup in that set.
 */
export function disabledUsersOf(options: {
  sdb: ServiceDb<unknown>;
  transport: Transport;
  logger: Logger;
  service: string;
  pollIntervalMs?: number;
}): DisabledUsers {
  const { sdb, logger } = options;
  let ids = new Set<string>();
  let unlisten: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // One reload at a time; a wake-up during a reload runs one more afterwards, so none is lost.
  let running: Promise<void> | undefined;
  let again = false;

  const load = async () => {
    ids = new Set(await loadDisabledUserIds(sdb.db, sdb.schema));
  };
  const reload = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await load();
        } catch (err) {
          logger.warn({ err }, 'could not reload disabled users; keeping the previous set');
        }
      } while (again && !stopped);
    })().finally(() => (running = undefined));
    return running;
  };

  const consumer = defineConsumer<unknown>({
    name: 'disabled-users',
    handlers: {
      [MessageType.UserDisabled]: (trx, { data }) =>
        recordAccountState(trx, sdb.schema, { userId: data.userId, disabled: true, at: new Date(data.disabledAt) }),
      [MessageType.UserEnabled]: (trx, { data }) =>
        recordAccountState(trx, sdb.schema, { userId: data.userId, disabled: false, at: new Date(data.enabledAt) }),
      // An erased account stays refused everywhere, and its audit key in this schema is crypto-shredded (ADR 0021, docs/privacy.md).
      [MessageType.UserErased]: async (trx, { data }) => {
        await recordAccountState(trx, sdb.schema, { userId: data.userId, disabled: true, at: new Date(data.erasedAt) });
        await eraseAuditSubjectKey(trx, data.userId);
      },
    },
  });

  return {
    has: (userId) => ids.has(userId),
    guard(verifier) {
      return async (token) => {
        const user = await verifier(token);
        if (ids.has(user.id)) throw new AppError(ErrorCode.UNAUTHENTICATED, 'This account has been disabled.');
        return user;
      };
    },
    async start() {
      // The unbounded migration pool: the migration lock wait must not hit the request statement timeout.
      await migrateDisabledUsers(sdb.forMigrations(), sdb.schema);
      unlisten = await sdb.listen(disabledUsersChannel(sdb.schema), () => void reload());
      await load();
      await startConsumers({ sdb, transport: options.transport, logger, service: options.service, consumers: [consumer] });
      timer = setInterval(() => void reload(), options.pollIntervalMs ?? DISABLED_USERS_POLL_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await unlisten?.();
      await running;
    },
  };
}
