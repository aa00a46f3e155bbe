import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decodeJwt } from 'jose';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  roomSchema,
  WS_PATH,
  WsCloseCode,
  wsClientMessageSchema,
  type NotificationDto,
  type WsClientMessage,
  type WsServerMessage,
} from '@secureevent/contracts';
import type { AuthUser, Logger, TokenVerifier, UpgradeHandler } from '@secureevent/shared';
import { canManage, canWatch, type WatchedEvent } from './event-access.js';
import { wsClosed, wsConnections, wsPushed } from './realtime.metrics.js';

/** Per-connection limits; every one of them protects the process from one bad client. */
export interface GatewayLimits {
  /** Largest frame accepted (ws closes with 1009 above it). */
  maxPayloadBytes: number;
  /** At most this many frames from one connection per `rateWindowMs`, else close 4429. */
  maxFramesPerWindow: number;
  rateWindowMs: number;
  /** Rooms one connection may be in, its own `user:` room included. */
  maxRooms: number;
  /** A ping every this often; a peer that has not answered the previous one is dropped. */
  heartbeatMs: number;
  /** A client that lets this much pile up unsent is too slow to keep (it reconnects and catches up). */
  maxBufferedBytes: number;
  /** Connections this process accepts; further upgrades get 503. */
  maxConnections: number;
  /**
   * Connections one client address may hold; further upgrades from it get 429. Generous: a whole
   * office behind one NAT address watches the same all-hands page.
   */
  maxConnectionsPerAddress: number;
  /** Notifications replayed on `auth` with `since`. */
  maxCatchUp: number;
}

export const defaultGatewayLimits: GatewayLimits = {
  maxPayloadBytes: 8 * 1024,
  maxFramesPerWindow: 100,
  rateWindowMs: 10_000,
  maxRooms: 50,
  heartbeatMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  maxConnections: 50_000,
  maxConnectionsPerAddress: 2_000,
  maxCatchUp: 100,
};

/** What the gateway asks of the rest of the service. */
export interface GatewayPorts {
  verifier: TokenVerifier;
  /** The event and whether the user is registered for it; undefined when unknown. */
  findEvent(eventId: string, userId: string | undefined): Promise<WatchedEvent | undefined>;
  /** The user's notifications after `since` (oldest first, at most `limit`) and the unread count. */
  notificationsSince(userId: string, since: string, limit: number): Promise<{ items: NotificationDto[]; unread: number }>;
}

/**
 * One client. Kept small on purpose (10,000 of them per process is the target): the rooms it
 * joined, with whether it manages that event, the signed-in user, and a frame counter.
 */
class Connection {
  user: AuthUser | undefined;
  /** room → the caller manages the event (sees check-ins). */
  readonly rooms = new Map<string, boolean>();
  expiry: NodeJS.Timeout | undefined;
  alive = true;
  windowStart = 0;
  frames = 0;
  /** Frames are handled one after another, so `auth` then `subscribe` is never reordered. */
  queue: Promise<void> = Promise.resolve();

  constructor(readonly ws: WebSocket) {}

  send(message: WsServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}

const clientTypes = new Set(['auth', 'subscribe', 'unsubscribe', 'ping']);

/**
 * The WebSocket gateway at `/ws` (protocol: backend/contracts/src/realtime.ts): connections,
 * authentication, rooms, limits and heartbeat. It knows nothing of messages or Redis: the
 * service hands it frames for a room through `deliver`.
 */
export function createGateway(options: { service: string; logger: Logger; ports: GatewayPorts; limits?: Partial<GatewayLimits> }) {
  const { service, logger, ports } = options;
  const limits: GatewayLimits = { ...defaultGatewayLimits, ...options.limits };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  const connections = new Set<Connection>();
  const rooms = new Map<string, Set<Connection>>();
  let closing = false;

  const closeFor = (conn: Connection, code: number, reason: string, metricReason: string) => {
    wsClosed.inc({ service, reason: metricReason });
    conn.ws.close(code, reason);
  };

  const join = (conn: Connection, room: string, manages: boolean) => {
    conn.rooms.set(room, manages);
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(conn);
  };
  const leave = (conn: Connection, room: string) => {
    conn.rooms.delete(room);
    const members = rooms.get(room);
    if (!members) return;
    members.delete(conn);
    if (members.size === 0) rooms.delete(room);
  };

  const error = (conn: Connection, code: Extract<WsServerMessage, { type: 'error' }>['code'], message: string, room?: string) =>
    conn.send({ type: 'error', code, message, ...(room ? { room } : {}) });

  // -------------------------------------------------------------------------- frame handlers

  const authenticate = async (conn: Connection, frame: Extract<WsClientMessage, { type: 'auth' }>) => {
    let user: AuthUser;
    try {
      user = await ports.verifier(frame.token);
    } catch {
      // A failed re-auth leaves the current identity until its own expiry closes the connection.
      return error(conn, 'UNAUTHORIZED', 'The access token is missing, expired or invalid.');
    }
    if (conn.ws.readyState !== WebSocket.OPEN) return; // closed while the token was checked
    if (conn.user && conn.user.id !== user.id) {
      return error(conn, 'FORBIDDEN', 'This connection belongs to another user: open a new one.');
    }
    // The signature and claims are verified above; decoding again only reads `exp`.
    const exp = decodeJwt(frame.token).exp!;
    conn.user = user;
    if (!conn.rooms.has(`user:${user.id}`)) join(conn, `user:${user.id}`, false);
    clearTimeout(conn.expiry);
    conn.expiry = setTimeout(
      () => closeFor(conn, WsCloseCode.Unauthorized, 'token expired', 'token_expired'),
      Math.min(Math.max(0, exp * 1000 - Date.now()), 2 ** 31 - 1),
    );
    conn.send({ type: 'ready', userId: user.id, expiresAt: new Date(exp * 1000).toISOString() });
    if (frame.since) {
      const { items, unread } = await ports.notificationsSince(user.id, frame.since, limits.maxCatchUp);
      for (const notification of items) conn.send({ type: 'notification', notification, unread });
    }
  };

  const subscribe = async (conn: Connection, room: string) => {
    const parsed = roomSchema.safeParse(room);
    if (!parsed.success) return error(conn, 'BAD_FRAME', 'A room is user:<usr_id> or event:<evt_id>.', room.slice(0, 100));
    if (conn.rooms.has(room)) return conn.send({ type: 'subscribed', room });
    if (conn.rooms.size >= limits.maxRooms) return error(conn, 'TOO_MANY_ROOMS', `At most ${limits.maxRooms} rooms per connection.`, room);
    if (room.startsWith('user:')) {
      // Another user's room is refused the same whether or not that user exists.
      if (!conn.user) return error(conn, 'UNAUTHORIZED', 'Send an auth frame first.', room);
      return error(conn, 'FORBIDDEN', 'Only your own user room; it is joined on auth.', room);
    }
    const event = await ports.findEvent(room.slice('event:'.length), conn.user?.id);
    // Unknown and not-yours look the same: a private event's existence is not revealed.
    if (!event || !canWatch(event, conn.user)) return error(conn, 'NOT_FOUND', 'No such event.', room);
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    join(conn, room, canManage(event, conn.user));
    conn.send({ type: 'subscribed', room });
  };

  const handleFrame = async (conn: Connection, raw: RawData, isBinary: boolean) => {
    if (isBinary) return error(conn, 'BAD_FRAME', 'Frames are JSON text.');
    let json: unknown;
    try {
      json = JSON.parse(rawToString(raw));
    } catch {
      return error(conn, 'BAD_FRAME', 'A frame is one JSON object.');
    }
    const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !clientTypes.has(type))
      return error(conn, 'UNKNOWN_TYPE', 'Known types: auth, subscribe, unsubscribe, ping.');
    const parsed = wsClientMessageSchema.safeParse(json);
    if (!parsed.success) return error(conn, 'BAD_FRAME', `The ${type} frame does not match the protocol.`);
    const frame = parsed.data;
    switch (frame.type) {
      case 'auth':
        return authenticate(conn, frame);
      case 'subscribe':
        return subscribe(conn, frame.room);
      case 'unsubscribe':
        leave(conn, frame.room);
        return conn.send({ type: 'unsubscribed', room: frame.room });
      case 'ping':
        return conn.send({ type: 'pong' });
    }
  };

  const overRate = (conn: Connection) => {
    const now = Date.now();
    if (now - conn.windowStart >= limits.rateWindowMs) {
      conn.windowStart = now;
      conn.frames = 0;
    }
    return ++conn.frames > limits.maxFramesPerWindow;
  };

  /** Open connections per client address. */
  const perAddress = new Map<string, number>();
  const onConnection = (ws: WebSocket, address: string) => {
    const conn = new Connection(ws);
    connections.add(conn);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    wsConnections.inc({ service });
    ws.on('message', (raw, isBinary) => {
      if (ws.readyState !== WebSocket.OPEN) return; // closing: ignore what is still in flight
      if (overRate(conn)) return closeFor(conn, WsCloseCode.RateLimited, 'too many frames', 'rate_limited');
      conn.queue = conn.queue
        .then(() => handleFrame(conn, raw, isBinary))
        .catch((err: unknown) => {
          logger.error({ err }, 'WebSocket frame handling failed');
          error(conn, 'BAD_FRAME', 'The frame could not be handled; try again.');
        });
    });
    ws.on('pong', () => (conn.alive = true));
    // ws reports protocol violations (oversized or malformed frames) here and closes with 1009/1002.
    ws.on('error', (err) => logger.debug({ err: err.message }, 'WebSocket protocol error'));
    ws.on('close', () => {
      connections.delete(conn);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      wsConnections.dec({ service });
      clearTimeout(conn.expiry);
      for (const room of [...conn.rooms.keys()]) leave(conn, room);
    });
  };

  // Pings are spread over the interval in slices: 10,000 pings in one tick would stall pushes for
  // that long. Each connection is visited once per round; it must answer before its next visit.
  const HEARTBEAT_SLICES = 10;
  let round: Iterator<Connection> | undefined;
  let perSlice = 0;
  const heartbeat = setInterval(() => {
    if (!round) {
      round = connections.values();
      perSlice = Math.max(1, Math.ceil(connections.size / HEARTBEAT_SLICES));
    }
    for (let i = 0; i < perSlice; i++) {
      const next = round.next();
      if (next.done) {
        round = undefined;
        return;
      }
      const conn = next.value;
      if (!conn.alive) {
        wsClosed.inc({ service, reason: 'no_pong' });
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, limits.heartbeatMs / HEARTBEAT_SLICES);
  heartbeat.unref();

  const upgrade: UpgradeHandler = {
    path: WS_PATH,
    handle(req: IncomingMessage, socket: Duplex, head: Buffer, clientAddress: string) {
      if (closing || connections.size >= limits.maxConnections) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      // One client cannot take every slot (counted before the handshake completes, too).
      if ((perAddress.get(clientAddress) ?? 0) >= limits.maxConnectionsPerAddress) {
        wsClosed.inc({ service, reason: 'too_many_per_address' });
        socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: 10\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, clientAddress));
    },
    async closeAll() {
      closing = true;
      clearInterval(heartbeat);
      const open = [...connections];
      await Promise.all(
        open.map(
          (conn) =>
            new Promise<void>((resolve) => {
              if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
              const force = setTimeout(() => conn.ws.terminate(), 2000);
              conn.ws.once('close', () => {
                clearTimeout(force);
                resolve();
              });
              conn.ws.close(1001, 'server shutting down');
            }),
        ),
      );
    },
  };

  return {
    upgrade,
    /** Sends `frame` to this process's members of `room` (only those managing the event when `managersOnly`). */
    deliver(room: string, frame: WsServerMessage, managersOnly = false): void {
      const members = rooms.get(room);
      if (!members) return;
      // Encoded once for the whole room: ws would otherwise convert the string again per client.
      const data = Buffer.from(JSON.stringify(frame));
      let sent = 0;
      for (const conn of members) {
        if (managersOnly && !conn.rooms.get(room)) continue;
        const ws = conn.ws;
        if (ws.readyState !== WebSocket.OPEN) continue;
        if (ws.bufferedAmount > limits.maxBufferedBytes) {
          wsClosed.inc({ service, reason: 'slow_reader' });
          ws.terminate();
          continue;
        }
        ws.send(data, { binary: false });
        sent++;
      }
      if (sent > 0) wsPushed.inc({ service, type: frame.type }, sent);
    },
    /** Takes `userId`'s connections out of `room` (unless they manage the event) and tells them with `frame`. */
    evict(room: string, userId: string, frame: WsServerMessage): void {
      for (const conn of [...(rooms.get(room) ?? [])]) {
        if (conn.user?.id !== userId || conn.rooms.get(room)) continue;
        leave(conn, room);
        conn.send(frame);
      }
    },
    /**
     * Checks every member of an event room against the event as it is now: who may no longer
     * watch it (narrower visibility) leaves with `unsubscribed`; who stays gets their manager
     * status refreshed (new co-organizers see check-ins).
     */
    async recheck(room: string): Promise<void> {
      const eventId = room.slice('event:'.length);
      for (const conn of [...(rooms.get(room) ?? [])]) {
        const event = await ports.findEvent(eventId, conn.user?.id);
        if (event && canWatch(event, conn.user)) {
          if (conn.rooms.has(room)) conn.rooms.set(room, canManage(event, conn.user));
          continue;
        }
        leave(conn, room);
        conn.send({ type: 'unsubscribed', room });
      }
    },
    /** Whether any connection of this process is in `room`. */
    watched(room: string): boolean {
      return rooms.has(room);
    },
    /** Open connections on this process. */
    get size() {
      return connections.size;
    },
  };
}

function rawToString(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}
