import type { Kysely } from 'kysely';
import { startWorkLoop, type Listen, type Logger } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import { recipients } from '../users/recipients.js';
import { DELIVERY_CHANNEL, emailDeliveriesRepository, type ClaimedDelivery } from './email-deliveries.repository.js';
import { emailDeliveries } from './email-metrics.js';
import { renderAccountEmail } from '../account-mail/account-mail-templates.js';
import { renderEmail } from './email-templates.js';
import { isPermanentSmtpFailure, type Mailer } from './mailer.js';

/** How the worker retries: exponential back-off from `baseDelayMs`, capped, for at most `maxAttempts` sends. */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8 };

/** The wait before attempt `attempts + 1`: doubling from the base, capped, with jitter so replicas do not retry in step. */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Options for the delivery worker. */
export interface DeliveryWorkerOptions {
  db: Kysely<NotificationsDb>;
  listen: Listen;
  mailer: Mailer;
  logger: Logger;
  baseUrl: string;
  /** Domain for Message-ID headers. */
  messageIdDomain: string;
  retry?: RetryPolicy;
  pollIntervalMs?: number;
  leaseSeconds?: number;
  batchSize?: number;
}

/** A running worker. */
export interface DeliveryWorker {
  /** Sends everything due now; resolves with how many rows were attempted. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

class RecipientUnknown extends Error {}

/**
 * Sends queued email. Woken by NOTIFY when a delivery is committed, and by a poll for retries that
 * come due. A row is claimed with a lease, sent with no database connection held, then marked
 * sent, scheduled for retry with back-off, or marked failed (5xx answer or attempts exhausted).
 */
export async function startDeliveryWorker(options: DeliveryWorkerOptions): Promise<DeliveryWorker> {
  const { db, logger, mailer } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const repo = emailDeliveriesRepository(db);
  const users = recipients(db);
  const batchSize = options.batchSize ?? 20;
  const lease = options.leaseSeconds ?? 120;

  async function sendOne(d: ClaimedDelivery): Promise<void> {
    const log = logger.child({ deliveryId: d.id, kind: d.kind, userId: d.userId, attempt: d.attempts });
    try {
      const account = d.payload.account;
      // An account mail names its address (a new one is verified before the address book has it).
      const recipient = account ? undefined : await users.find(d.userId);
      // The address arrives with user.registered.v1 on another queue, possibly a little later.
      if (!account && !recipient) throw new RecipientUnknown('no email address known for this user yet');
      const rendered = account
        ? renderAccountEmail(d.payload, { baseUrl: options.baseUrl })
        : renderEmail(d.payload, recipient!, { baseUrl: options.baseUrl });
      await mailer.send({
        ...rendered,
        to: account ? account.to : { name: recipient!.displayName, address: recipient!.email },
        messageId: `<${d.id}@${options.messageIdDomain}>`,
      });
      await repo.markSent(d.id);
      emailDeliveries.inc({ outcome: 'sent' });
      log.debug('email sent');
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const smtpCode = (err as { responseCode?: number }).responseCode;
      if (isPermanentSmtpFailure(err) || d.attempts >= retry.maxAttempts) {
        await repo.markFailed(d.id, reason);
        emailDeliveries.inc({ outcome: 'failed' });
        log.error({ smtpCode, errorCode: (err as { code?: string }).code }, 'email delivery failed permanently');
      } else {
        const delayMs = retryDelayMs(d.attempts, retry);
        await repo.markRetry(d.id, reason, delayMs);
        emailDeliveries.inc({ outcome: 'retried' });
        log.warn({ smtpCode, errorCode: (err as { code?: string }).code, retryInMs: delayMs }, 'email delivery failed; will retry');
      }
    }
  }

  return startWorkLoop({
    name: 'email delivery worker',
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    subscribe: (wake) => options.listen(DELIVERY_CHANNEL, wake),
    async run(stopping) {
      let total = 0;
      for (;;) {
        const claimedAt = Date.now();
        const batch = await repo.claim(batchSize, lease);
        for (const [i, d] of batch.entries()) {
          // Past half the lease another replica may soon take these rows: hand them back unsent
          // rather than risk both sending.
          if (Date.now() - claimedAt > (lease * 1000) / 2 || stopping()) {
            await repo.release(batch.slice(i).map((r) => r.id));
            break;
          }
          await sendOne(d);
          total += 1;
        }
        if (batch.length < batchSize || stopping()) return total;
      }
    },
  });
}
