import type { AnyConsumer, ConsumerDefinition, MessageHandler, ServiceDeps } from '@secureevent/shared';
import type { NotificationsDb } from '../db/schema.js';
import { createCoalescer } from './coalescer.js';
import { eventAccessRepository } from './event-access.repository.js';
import { createFanout, type RoomFrame } from './fanout.js';
import { createGateway, type GatewayLimits } from './gateway.js';
import { inboxPushReads } from '../inbox/read-inbox.js';
import { realtimeConsumer } from './realtime.consumer.js';

/** Tunables of the real-time part; the defaults are the production values. */
export interface RealtimeOptions {
  limits?: Partial<GatewayLimits>;
  /** At most one availability push per event room this often (trailing edge carries the latest). */
  coalesceMs?: number;
}

/**
 * The notification-service's real-time half: the `/ws` gateway, the Redis fan-out between
 * replicas, the availability coalescer, and the consumer that feeds them. Each service
 * instance has its own (two replicas in one test process stay independent).
 */
export function createRealtime(deps: ServiceDeps<NotificationsDb>, options: RealtimeOptions = {}) {
  const service = 'notification-service';
  const logger = deps.logger.child({ component: 'realtime' });
  const events = eventAccessRepository(deps.sdb.db);
  const reads = inboxPushReads(deps.sdb.db);

  const gateway = createGateway({
    service,
    logger,
    limits: options.limits,
    ports: {
      verifier: deps.verifier,
      findEvent: (eventId, userId) => events.find(eventId, userId),
      notificationsSince: (userId, since, limit) => reads.since(userId, since, limit),
    },
  });
  // Coalesced where it is delivered, so that frames reaching this replica from several
  // consumers (any replica may consume a message) still make one push per interval.
  const availability = createCoalescer<RoomFrame>({
    intervalMs: options.coalesceMs ?? 250,
    isNewer: (candidate, current) => atOf(candidate) >= atOf(current),
    emit: (room, f) => gateway.deliver(room, f.frame),
  });
  const fanout = createFanout({
    redis: deps.cache.redis,
    service,
    logger,
    deliver: (f) => {
      // Nobody here watches it: no coalescing state or timer for a room without local members.
      if (!gateway.watched(f.room)) return;
      if (f.evictUserId) gateway.evict(f.room, f.evictUserId, f.frame);
      else if (f.recheck) {
        gateway.recheck(f.room).then(
          () => gateway.deliver(f.room, f.frame, f.managersOnly),
          (err: unknown) =>
            logger.warn(
              { err: String(err), room: f.room },
              'could not re-check who may watch a room; its members stay until they reconnect',
            ),
        );
      } else if (f.frame.type === 'availability') availability.push(f.room, f);
      else gateway.deliver(f.room, f.frame, f.managersOnly);
    },
  });

  /**
   * Wraps a consumer that stores notifications so that, once its transaction commits, each
   * notification the message created is pushed to its user's room with the new unread count.
   * Reading them back by source message keeps the inbox code unaware of WebSockets.
   */
  function withNotificationPush(consumer: ConsumerDefinition<NotificationsDb>): ConsumerDefinition<NotificationsDb> {
    const handlers: Record<string, MessageHandler<NotificationsDb, never>> = {};
    for (const [type, handler] of Object.entries(consumer.handlers as AnyConsumer<NotificationsDb>['handlers'])) {
      if (!handler) continue;
      handlers[type] = async (trx, message) => {
        await handler(trx, message);
        const created = await inboxPushReads(trx).createdBy(message.envelope.id);
        if (created.length === 0) return;
        const unread = await inboxPushReads(trx).unreadOf([...new Set(created.map((c) => c.userId))]);
        message.afterCommit(() => {
          for (const { userId, notification } of created) {
            fanout.publish({ room: `user:${userId}`, frame: { type: 'notification', notification, unread: unread.get(userId) ?? 0 } });
          }
        });
      };
    }
    // Each wrapper passes its message on unchanged to the handler of the same type, so the payload types still hold.
    return { ...consumer, handlers };
  }

  /** Pushes notifications already committed to the inbox (e.g. by the reminder claimer) to their users. */
  async function pushNotifications(ids: string[]): Promise<void> {
    const reads = inboxPushReads(deps.sdb.db);
    const found = await reads.byIds(ids);
    const unread = await reads.unreadOf([...new Set(found.map((c) => c.userId))]);
    for (const { userId, notification } of found) {
      fanout.publish({ room: `user:${userId}`, frame: { type: 'notification', notification, unread: unread.get(userId) ?? 0 } });
    }
  }

  return {
    upgrade: gateway.upgrade,
    pushNotifications,
    consumer: realtimeConsumer((f) => fanout.publish(f)),
    withNotificationPush,
    start: () => fanout.start(),
    async stop() {
      await gateway.upgrade.closeAll();
      availability.clear();
      await fanout.stop();
    },
  };
}

const atOf = (f: RoomFrame) => ('at' in f.frame ? Date.parse(f.frame.at) : 0);
