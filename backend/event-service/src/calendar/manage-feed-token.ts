import { recordAudit, type AuthUser, type Outbox, type RequestOrigin } from '@secureevent/shared';
import type { Kysely } from 'kysely';
import type { EventsDb } from '../db/schema.js';
import { calendarRepository } from './calendar.repository.js';
import { feedPath, newFeedToken } from './feed-token.js';

/**
 * Gives the caller a new secret feed URL. Each user has one feed: asking again rotates the token,
 * so a URL that leaked is stopped by asking for a new one. The token is shown this once only.
 */
export async function issueFeedToken(
  deps: { db: Kysely<EventsDb>; outbox: Outbox },
  user: AuthUser,
  origin: RequestOrigin,
): Promise<{ url: string }> {
  const { token, hash } = newFeedToken();
  await deps.db.transaction().execute(async (trx) => {
    await calendarRepository(trx).saveFeed(user.id, hash);
    await recordAudit(deps.outbox, trx, {
      actorId: user.id,
      action: 'calendar.feed_issued',
      targetId: user.id,
      outcome: 'success',
      origin,
    });
  });
  return { url: feedPath(token) };
}

/** Revokes the caller's feed URL; calendar apps subscribed to it get 404 from now on. */
export async function revokeFeedToken(
  deps: { db: Kysely<EventsDb>; outbox: Outbox },
  user: AuthUser,
  origin: RequestOrigin,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await calendarRepository(trx).deleteFeed(user.id);
    await recordAudit(deps.outbox, trx, {
      actorId: user.id,
      action: 'calendar.feed_revoked',
      targetId: user.id,
      outcome: 'success',
      origin,
    });
  });
}
