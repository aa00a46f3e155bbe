import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WsServerMessage } from '@secureevent/contracts';
import type { Logger } from '@secureevent/shared';
import { fanoutFailures } from './realtime.metrics.js';

/**
 * One frame for one room; `managersOnly` restricts it to the room's members who manage the event,
 * `evictUserId` instead removes that user's connections from the room (sending them the frame).
 */
export interface RoomFrame {
  room: string;
  frame: WsServerMessage;
  managersOnly?: boolean;
  evictUserId?: string;
  /** Check every member's access to the room again (and drop who lost it) before delivering. */
  recheck?: boolean;
}

interface Wire extends RoomFrame {
  /** The process that published it: it has already delivered to its own clients. */
  origin: string;
}

/**
 * Fan-out between replicas over Redis pub/sub. A frame is delivered to this process's clients
 * at once and published for the others; with no Redis (embedded mode) or while Redis is down
 * it stays local, so a Redis outage costs only the cross-replica half. The subscriber is a
 * duplicate connection (a subscribed connection can do nothing else); ioredis reconnects it and
 * re-subscribes by itself when Redis returns.
 */
export function createFanout(options: { redis: Redis | undefined; service: string; logger: Logger; deliver: (f: RoomFrame) => void }) {
  const { redis, logger, deliver } = options;
  const origin = randomUUID();
  // ioredis does not prefix channel names: use the key prefix so isolated deployments (and test files) never hear each other.
  const channel = `${redis?.options.keyPrefix ?? ''}realtime`;
  let subscriber: Redis | undefined;
  let degraded = false;

  const fail = (err: unknown) => {
    fanoutFailures.inc({ service: options.service });
    if (degraded) return;
    degraded = true;
    logger.warn({ err: String(err) }, 'Redis unavailable: WebSocket pushes reach this replica only until it returns');
  };
  const healthy = () => {
    if (!degraded) return;
    degraded = false;
    logger.info('Redis is back: WebSocket pushes reach every replica again');
  };

  return {
    async start(): Promise<void> {
      if (!redis) return;
      subscriber = redis.duplicate({ keyPrefix: '', enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: true });
      subscriber.on('error', fail);
      subscriber.on('ready', healthy);
      subscriber.on('message', (_channel: string, raw: string) => {
        let wire: Wire;
        try {
          wire = JSON.parse(raw) as Wire;
        } catch {
          return;
        }
        if (wire.origin !== origin) deliver(wire);
      });
      await subscriber.connect();
      await subscriber.subscribe(channel);
    },
    publish(f: RoomFrame): void {
      deliver(f);
      if (!redis) return;
      const wire: Wire = { ...f, origin };
      redis.publish(channel, JSON.stringify(wire)).then(healthy, fail);
    },
    async stop(): Promise<void> {
      const s = subscriber;
      subscriber = undefined;
      if (s) await s.quit().catch(() => s.disconnect());
    },
  };
}
