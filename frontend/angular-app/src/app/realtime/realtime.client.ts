import {
  DestroyRef,
  Injectable,
  InjectionToken,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import type {
  Availability,
  NotificationDto,
  WsClientMessage,
  WsServerMessage,
} from '@secureevent/contracts';
import { Observable, Subject, filter, map } from 'rxjs';

import { AuthStore } from '../auth/auth.store';

/** Opens the socket; injectable so unit tests can hand in a fake. */
export const WEB_SOCKET_FACTORY = new InjectionToken<(url: string) => WebSocket>(
  'WEB_SOCKET_FACTORY',
  { providedIn: 'root', factory: () => (url: string) => new WebSocket(url) },
);

// Mirrors WS_PATH and WsCloseCode in backend/contracts/src/realtime.ts; the app imports types
// only from the contracts, so no backend code (or zod) enters the bundle.
const WS_PATH = '/ws';
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_RATE_LIMITED = 4429;
const MAX_BACKOFF_MS = 30_000;
// The server allows 100 frames per 10 s and 50 rooms per connection (notification-service
// gateway limits). A room left and joined again within this grace (a list re-rendering the same
// events after a search) costs no frame at all.
const LEAVE_GRACE_MS = 2_000;
const MAX_ROOMS = 45;

/** Live counts of one event, from its `event:<id>` room. */
export type EventUpdate = Extract<
  WsServerMessage,
  { type: 'availability' } | { type: 'checkins' } | { type: 'event' }
>;

/**
 * The one WebSocket to `/ws` (protocol: backend/contracts/src/realtime.ts). It is open while
 * someone is signed in (personal notifications) or while a page watches an event room. The
 * access token is sent in an `auth` frame — never in the URL — and again after every refresh.
 * Rooms are reference-counted and re-joined after a reconnect, which backs off up to 30 s.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeClient {
  private readonly auth = inject(AuthStore);
  private readonly openSocket = inject(WEB_SOCKET_FACTORY);

  private socket: WebSocket | null = null;
  private readonly rooms = new Map<string, number>();
  private readonly pendingLeaves = new Map<string, ReturnType<typeof setTimeout>>();
  /** Rooms the server was asked to join on the current socket. */
  private readonly joined = new Set<string>();
  private readonly frames = new Subject<WsServerMessage>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private newestNotificationId: string | undefined;
  /** Whom the open socket is authenticated as (from the server's `ready`). */
  private socketUserId: string | undefined;

  /** True while the socket is open. */
  readonly connected = signal(false);

  constructor() {
    effect(() => {
      const token = this.auth.accessToken();
      untracked(() => this.tokenChanged(token));
    });
    inject(DestroyRef).onDestroy(() => this.close());
  }

  /** Frames of one room, joining it while subscribed (shared with other watchers). */
  watchRoom(room: string): Observable<WsServerMessage> {
    return new Observable<WsServerMessage>((subscriber) => {
      const inner = this.frames.subscribe(subscriber);
      this.join(room);
      return () => {
        inner.unsubscribe();
        this.leave(room);
      };
    });
  }

  /** Availability, check-in count and status changes of one event. */
  watchEvent(eventId: string): Observable<EventUpdate> {
    return this.watchRoom(`event:${eventId}`).pipe(
      filter(
        (frame): frame is EventUpdate =>
          (frame.type === 'availability' || frame.type === 'checkins' || frame.type === 'event') &&
          frame.eventId === eventId,
      ),
    );
  }

  /** Live availability of one event. */
  watchAvailability(eventId: string): Observable<Availability> {
    return this.watchEvent(eventId).pipe(
      filter((frame) => frame.type === 'availability'),
      map((frame) => frame.availability),
    );
  }

  /** Personal notifications with the inbox's unread count after each. */
  notifications(): Observable<{ notification: NotificationDto; unread: number }> {
    return this.frames.pipe(
      filter((frame) => frame.type === 'notification'),
      map(({ notification, unread }) => ({ notification, unread })),
    );
  }

  /** Tells the server which notification is the newest we hold, for catch-up after reconnects. */
  rememberNewestNotification(id: string): void {
    this.newestNotificationId ??= id;
  }

  private join(room: string): void {
    const count = this.rooms.get(room) ?? 0;
    this.rooms.set(room, count + 1);
    const pending = this.pendingLeaves.get(room);
    if (pending !== undefined) {
      clearTimeout(pending);
      this.pendingLeaves.delete(room);
    }
    this.subscribe(room);
    this.ensureOpen();
  }

  private leave(room: string): void {
    const count = this.rooms.get(room) ?? 0;
    if (count > 1) {
      this.rooms.set(room, count - 1);
      return;
    }
    this.rooms.delete(room);
    this.pendingLeaves.set(
      room,
      setTimeout(() => {
        this.pendingLeaves.delete(room);
        if (this.joined.delete(room)) {
          this.send({ type: 'unsubscribe', room });
        }
        if (this.rooms.size === 0 && this.auth.accessToken() === null) {
          this.close();
        }
      }, LEAVE_GRACE_MS),
    );
  }

  /** Joins on the server unless already joined; past the room limit a page simply is not live. */
  private subscribe(room: string): void {
    if (!this.isOpen() || this.joined.has(room) || this.joined.size >= MAX_ROOMS) {
      return;
    }
    this.joined.add(room);
    this.send({ type: 'subscribe', room });
  }

  private tokenChanged(token: string | null): void {
    const userId = this.auth.user()?.id;
    if (token !== null && this.socketUserId !== undefined && userId !== this.socketUserId) {
      // Someone else now (signed out and in as another user, e.g. in another tab): the server
      // keeps a connection's first identity, so start a new connection, and a new catch-up.
      this.newestNotificationId = undefined;
      this.close();
      this.ensureOpen();
      return;
    }
    if (token !== null) {
      if (this.isOpen()) {
        this.send({ type: 'auth', token, since: this.newestNotificationId });
      } else {
        this.ensureOpen();
      }
      return;
    }
    // Signed out: the socket is still authenticated as the old user, so start afresh.
    this.close();
    if (this.rooms.size > 0) {
      this.ensureOpen();
    }
  }

  private wanted(): boolean {
    return this.auth.accessToken() !== null || this.rooms.size > 0;
  }

  private isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private ensureOpen(): void {
    if (this.socket !== null || !this.wanted() || this.reconnectTimer !== undefined) {
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = this.openSocket(`${scheme}//${location.host}${WS_PATH}`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempts = 0;
      this.connected.set(true);
      const token = this.auth.accessToken();
      if (token !== null) {
        this.send({ type: 'auth', token, since: this.newestNotificationId });
      }
      this.joined.clear();
      for (const room of this.rooms.keys()) {
        this.subscribe(room);
      }
    });
    socket.addEventListener('message', (message: MessageEvent) => this.receive(message.data));
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      this.connected.set(false);
      this.joined.clear();
      this.scheduleReconnect(event.code);
    });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      return;
    }
    let frame: WsServerMessage;
    try {
      frame = JSON.parse(data) as WsServerMessage;
    } catch {
      return;
    }
    if (frame.type === 'notification') {
      this.newestNotificationId = frame.notification.id;
    } else if (frame.type === 'ready') {
      this.socketUserId = frame.userId;
    }
    this.frames.next(frame);
  }

  private scheduleReconnect(closeCode: number): void {
    if (!this.wanted()) {
      return;
    }
    const unauthorized = closeCode === CLOSE_UNAUTHORIZED;
    const backoff = Math.min(1000 * 2 ** this.attempts, MAX_BACKOFF_MS);
    // Rate-limited: wait out the server's whole window before trying again.
    const delay = closeCode === CLOSE_RATE_LIMITED ? Math.max(backoff, 10_000) : backoff;
    this.attempts += 1;
    this.reconnectTimer = setTimeout(async () => {
      if (unauthorized) {
        await this.auth.refresh();
      }
      this.reconnectTimer = undefined;
      this.ensureOpen();
    }, delay);
  }

  private send(message: WsClientMessage): void {
    if (this.isOpen()) {
      this.socket?.send(JSON.stringify(message));
    }
  }

  private close(): void {
    this.joined.clear();
    this.socketUserId = undefined;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    this.connected.set(false);
    socket?.close(1000);
  }
}
