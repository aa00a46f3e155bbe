import type { Kysely } from 'kysely';
import { startWorkLoop, type Logger } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import { deliverNote } from '../preferences/deliver-note.js';
import { offsetLabel, reminderSourceKey } from './reminder-offsets.js';
import { remindersRepository, type DueReminder } from './reminders.repository.js';

/** Options for the reminder claimer. */
export interface ReminderClaimerOptions {
  db: Kysely<NotificationsDb>;
  logger: Logger;
  clock: () => Date;
  pollIntervalMs?: number;
  batchSize?: number;
  /** Called with the ids of the inbox notifications a batch created, after it committed (live push). */
  afterCommit?: (notificationIds: string[]) => Promise<void> | void;
}

/** A running claimer. */
export interface ReminderClaimer {
  /** Sends every reminder due now; resolves with how many were settled. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });

async function remind(
  trx: Kysely<NotificationsDb>,
  r: DueReminder,
  now: Date,
): Promise<{ outcome: 'sent' | 'dropped'; notificationId: string | null }> {
  if (r.event.cancelled || r.event.startsAt <= now) return { outcome: 'dropped', notificationId: null };
  const notificationId = await deliverNote(trx, reminderSourceKey(r.registrationId, r.offsetMinutes, r.dueAt), {
    userId: r.userId,
    kind: 'event_reminder',
    title: `Starting in ${offsetLabel(r.offsetMinutes)}: “${r.event.title}”`,
    body: `“${r.event.title}” starts on ${when.format(r.event.startsAt)} (UTC).`,
    link: `/events/${r.event.id}`,
    event: {
      id: r.event.id,
      title: r.event.title,
      startsAt: r.event.startsAt.toISOString(),
      endsAt: r.event.endsAt?.toISOString() ?? null,
    },
  });
  return { outcome: 'sent', notificationId };
}

/**
 * Sends due reminders. The schedule lives in the database: each batch is claimed with
 * FOR UPDATE SKIP LOCKED and turned into notifications and queued email in the same transaction
 * that marks it sent, so two replicas never send one reminder twice and a crash sends none
 * half-way. The timer only decides when to look.
 */
export function startReminderClaimer(options: ReminderClaimerOptions): Promise<ReminderClaimer> {
  const { db, logger, clock } = options;
  const batchSize = options.batchSize ?? 50;

  async function batch(): Promise<number> {
    const notified: string[] = [];
    const handled = await db.transaction().execute(async (trx) => {
      const repo = remindersRepository(trx);
      const now = clock();
      const due = await repo.lockDue(now, batchSize);
      for (const r of due) {
        const { outcome, notificationId } = await remind(trx, r, now);
        await repo.settle(r.registrationId, r.offsetMinutes, outcome, now);
        if (notificationId) notified.push(notificationId);
      }
      return due.length;
    });
    // Only once committed: the pushed notification must already be in the inbox.
    if (notified.length > 0) await options.afterCommit?.(notified);
    return handled;
  }

  return startWorkLoop({
    name: 'reminder claimer',
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 30_000,
    async run(stopping) {
      let total = 0;
      for (;;) {
        const n = await batch();
        total += n;
        if (n < batchSize || stopping()) return total;
      }
    },
  });
}
