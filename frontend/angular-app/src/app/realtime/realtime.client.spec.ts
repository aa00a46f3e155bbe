import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Availability } from '@secureevent/contracts';

import { AuthStore } from '../auth/auth.store';
import { RealtimeClient } from './realtime.client';
import { FakeWebSocket, provideFakeWebSocket } from './realtime.testing';

const availability = (seatsLeft: number): Availability => ({
  capacity: 10,
  confirmed: 10 - seatsLeft,
  seatsLeft,
  waitlisted: 0,
});

describe('RealtimeClient', () => {
  const token = signal<string | null>(null);
  const user = signal<{ id: string } | null>(null);
  let client: RealtimeClient;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.reset();
    token.set(null);
    user.set(null);
    TestBed.configureTestingModule({
      providers: [
        provideFakeWebSocket(),
        {
          provide: AuthStore,
          useValue: { accessToken: token, user, refresh: () => Promise.resolve('fresh') },
        },
      ],
    });
    client = TestBed.inject(RealtimeClient);
    TestBed.tick();
  });

  afterEach(() => vi.useRealTimers());

  it('when nobody is signed in and no page watches an event, then no socket is opened', () => {
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('when someone signs in, then the socket opens on /ws and authenticates with a frame, not the URL', () => {
    token.set('token-1');
    TestBed.tick();
    const socket = FakeWebSocket.latest()!;
    socket.open();

    expect(socket.url).toMatch(/^ws:\/\/[^/]+\/ws$/);
    expect(socket.url).not.toContain('token');
    expect(socket.sent).toEqual([{ type: 'auth', token: 'token-1' }]);

    token.set('token-2');
    TestBed.tick();
    expect(socket.sent.at(-1)).toEqual({ type: 'auth', token: 'token-2' });
  });

  it('when another person signs in on the same page, then a new connection authenticates them and the old one is closed', () => {
    user.set({ id: 'usr_a' });
    token.set('token-a');
    TestBed.tick();
    const first = FakeWebSocket.latest()!;
    first.open();
    first.receive({ type: 'ready', userId: 'usr_a', expiresAt: '2030-01-01T00:00:00Z' });
    first.receive({
      type: 'notification',
      notification: {
        id: 'ntf_a',
        kind: 'roles_changed',
        title: 't',
        body: 'b',
        link: null,
        createdAt: '2030-01-01T00:00:00Z',
        readAt: null,
      },
      unread: 1,
    });

    user.set({ id: 'usr_b' });
    token.set('token-b');
    TestBed.tick();
    const second = FakeWebSocket.latest()!;
    expect(second).not.toBe(first);
    expect(first.readyState).toBe(WebSocket.CLOSED);
    second.open();
    // B's catch-up must not start from A's newest notification.
    expect(second.sent).toEqual([{ type: 'auth', token: 'token-b' }]);
  });

  it('when a page watches an event, then the room is joined and only that event’s availability comes through', () => {
    const seen: number[] = [];
    const subscription = client.watchAvailability('evt_a').subscribe((a) => seen.push(a.seatsLeft));
    const socket = FakeWebSocket.latest()!;
    socket.open();

    expect(socket.sent).toEqual([{ type: 'subscribe', room: 'event:evt_a' }]);
    socket.receive({
      type: 'availability',
      eventId: 'evt_b',
      availability: availability(1),
      at: '',
    });
    socket.receive({
      type: 'availability',
      eventId: 'evt_a',
      availability: availability(3),
      at: '',
    });
    expect(seen).toEqual([3]);

    subscription.unsubscribe();
    vi.advanceTimersByTime(2000);
    expect(socket.sent.at(-1)).toEqual({ type: 'unsubscribe', room: 'event:evt_a' });
  });

  it('when two watchers share a room, then it is left only when the last one goes', () => {
    const first = client.watchEvent('evt_a').subscribe();
    const second = client.watchEvent('evt_a').subscribe();
    const socket = FakeWebSocket.latest()!;
    socket.open();

    first.unsubscribe();
    vi.advanceTimersByTime(2000);
    expect(socket.sent.filter((m) => m.type === 'unsubscribe')).toHaveLength(0);
    second.unsubscribe();
    vi.advanceTimersByTime(2000);
    expect(socket.sent.filter((m) => m.type === 'unsubscribe')).toHaveLength(1);
  });

  it('when the connection drops, then it reconnects and joins its rooms again', () => {
    client.watchEvent('evt_a').subscribe();
    FakeWebSocket.latest()!.open();

    FakeWebSocket.latest()!.close(1006);
    vi.advanceTimersByTime(1000);
    const second = FakeWebSocket.latest()!;
    expect(FakeWebSocket.instances).toHaveLength(2);
    second.open();

    expect(second.sent).toEqual([{ type: 'subscribe', room: 'event:evt_a' }]);
  });

  it('when a notification arrives, then it is passed on with the unread count', () => {
    token.set('token-1');
    TestBed.tick();
    const seen: number[] = [];
    client.notifications().subscribe(({ unread }) => seen.push(unread));
    const socket = FakeWebSocket.latest()!;
    socket.open();

    socket.receive({
      type: 'notification',
      unread: 4,
      notification: {
        id: 'ntf_1',
        kind: 'registration_promoted',
        title: 'You have a seat',
        body: '',
        link: null,
        createdAt: '',
        readAt: null,
      },
    });

    expect(seen).toEqual([4]);
  });

  it('when a list re-renders the same event soon after leaving it, then no frame is spent', () => {
    const first = client.watchEvent('evt_a').subscribe();
    const socket = FakeWebSocket.latest()!;
    socket.open();

    first.unsubscribe();
    client.watchEvent('evt_a').subscribe();
    vi.advanceTimersByTime(5000);

    expect(socket.sent).toEqual([{ type: 'subscribe', room: 'event:evt_a' }]);
  });

  it('when the server closes for too many frames, then the client waits out its window', () => {
    client.watchEvent('evt_a').subscribe();
    FakeWebSocket.latest()!.open();

    FakeWebSocket.latest()!.close(4429);
    vi.advanceTimersByTime(9_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });
});
