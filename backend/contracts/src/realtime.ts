import { z } from 'zod';
import { eventIdSchema, userIdSchema } from './common.js';
import { availabilitySchema } from './events.js';
import { notificationSchema } from './notifications.js';

/**
 * The WebSocket protocol at `/ws` (notification-service). Every frame is one JSON text message
 * with a `type`. A connection starts anonymous; it may authenticate with an `auth` frame at any
 * time (the access token never travels in the URL, which proxies log), and must send a fresh
 * `auth` before its token expires or it is closed with code 4401.
 *
 * Rooms: `user:<id>` (joined automatically on `auth`; personal notifications) and
 * `event:<id>` (one event's availability, check-in count and status; joined with `subscribe`
 * only if the caller may see that event: anonymous connections only public events).
 */
export const WS_PATH = '/ws';

/** Close codes beyond RFC 6455: the client should act on them, not just reconnect. */
export const WsCloseCode = {
  /** The token expired (or was never valid) and no fresh `auth` came in time: sign in again. */
  Unauthorized: 4401,
  /** Too many frames per second from this connection. */
  RateLimited: 4429,
} as const;

export const roomSchema = z.union([z.templateLiteral(['user:', userIdSchema]), z.templateLiteral(['event:', eventIdSchema])]);

// ------------------------------------------------------------------------- client → server

export const wsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('auth'),
    token: z.string().min(1).max(4096),
    /** The newest notification id the client already has: the server replays newer ones (catch-up). */
    since: z.string().max(100).optional(),
  }),
  z.object({ type: z.literal('subscribe'), room: z.string().max(100) }),
  z.object({ type: z.literal('unsubscribe'), room: z.string().max(100) }),
  z.object({ type: z.literal('ping') }),
]);
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

// ------------------------------------------------------------------------- server → client

export const wsServerMessageSchema = z.discriminatedUnion('type', [
  /** Answer to `auth`: the user's room is joined; `expiresAt` is when a fresh `auth` is due. */
  z.object({ type: z.literal('ready'), userId: userIdSchema, expiresAt: z.string() }),
  z.object({ type: z.literal('subscribed'), room: z.string() }),
  z.object({ type: z.literal('unsubscribed'), room: z.string() }),
  z.object({ type: z.literal('pong') }),
  /** Live counts of one event (coalesced: at most one per event every 250 ms). */
  z.object({ type: z.literal('availability'), eventId: eventIdSchema, availability: availabilitySchema, at: z.string() }),
  /** An event changed status or details. */
  z.object({
    type: z.literal('event'),
    eventId: eventIdSchema,
    change: z.enum(['updated', 'cancelled']),
    changed: z.array(z.string()).optional(),
    at: z.string(),
  }),
  /**
   * Check-in progress of one event, sent to the event's room for those who manage it: the count
   * after a check-in (`recorded`) or an undo (`undone`) of `registrationId` at `at`. `change` and
   * `registrationId` are absent from senders before undo was pushed.
   */
  z.object({
    type: z.literal('checkins'),
    eventId: eventIdSchema,
    checkedIn: z.number().int(),
    at: z.string(),
    change: z.enum(['recorded', 'undone']).optional(),
    registrationId: z.string().optional(),
  }),
  /** A personal notification (also stored in the inbox); `unread` is the inbox's unread count after it. */
  z.object({ type: z.literal('notification'), notification: notificationSchema, unread: z.number().int() }),
  /** A bad frame or a refused request; the connection stays open unless a close follows. */
  z.object({
    type: z.literal('error'),
    code: z.enum(['BAD_FRAME', 'UNKNOWN_TYPE', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'TOO_MANY_ROOMS']),
    message: z.string(),
    room: z.string().optional(),
  }),
]);
export type WsServerMessage = z.infer<typeof wsServerMessageSchema>;
