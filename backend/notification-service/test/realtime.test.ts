import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createEnvelope, newId, registry } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { createSigner, messages, startRealtimeInstance, TestClient } from './realtime.support.js';

describe('real-time gateway at /ws', () => {
  let env: TestEnv;
  let signer: Awaited<ReturnType<typeof createSigner>>;
  let service: Awaited<ReturnType<typeof startRealtimeInstance>>;
  const clients: TestClient[] = [];

  const open = async (options?: { autoPong?: boolean }) => {
    const c = await TestClient.open(service.url, options);
    clients.push(c);
    return c;
  };
  /** Publishes an event and waits until the gateway knows it (an organizer can subscribe). */
  const publishedEvent = async (visibility: 'public' | 'internal' | 'private', organizerId = newId('usr')) => {
    const m = messages.published({ visibility, organizerIds: [organizerId] });
    await env.publishRaw(m.type, m);
    const organizer = await signer.token({ id: organizerId, roles: ['organizer'] });
    const probe = await open();
    await probe.auth(organizer.token);
    const room = `event:${m.data.eventId}`;
    await vi.waitFor(async () => expect((await probe.subscribe(room)).type).toBe('subscribed'), { timeout: 10_000, interval: 50 });
    probe.close();
    return { eventId: m.data.eventId, room, organizer };
  };

  beforeAll(async () => {
    env = await createTestEnv();
    signer = await createSigner();
    service = await startRealtimeInstance(
      env,
      { realtime: { limits: { maxRooms: 4, maxFramesPerWindow: 200, rateWindowMs: 60_000, heartbeatMs: 300 }, coalesceMs: 2000 } },
      { verifier: signer.verifier },
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await service.stop();
    await env.close();
  });

  describe('authentication', () => {
    it('when a client sends a valid auth frame, then it is ready in its user room and its new notifications are pushed with the unread count', async () => {
      const user = await signer.token({ roles: ['attendee'] });
      const client = await open();
      const ready = await client.auth(user.token);
      expect(ready).toMatchObject({ type: 'ready', userId: user.id });
      expect(Date.parse((ready as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now());

      const m = messages.registration('confirmed', newId('evt'), user.id);
      await env.publishRaw(m.type, m);
      const pushed = await client.next('notification');
      expect(pushed.notification.kind).toBe('registration_confirmed');
      expect(pushed.unread).toBe(1);
      const inbox = await request(service.app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200);
      expect(inbox.body.items[0].id).toBe(pushed.notification.id);
    });

    it("when a notification is for someone else, then it is not pushed to this user's connection", async () => {
      const me = await signer.token({});
      const other = await signer.token({});
      const mine = await open();
      await mine.auth(me.token);
      const theirs = await open();
      await theirs.auth(other.token);
      const m = messages.rolesChanged(other.id);
      await env.publishRaw(m.type, m);
      await theirs.next('notification');
      const marker = messages.rolesChanged(me.id);
      await env.publishRaw(marker.type, marker);
      const received = await mine.next('notification');
      expect(received.notification.kind).toBe('roles_changed');
      expect(mine.frames.filter((f) => f.type === 'notification')).toHaveLength(1);
    });

    it('when the token is invalid, then an UNAUTHORIZED error comes and the connection stays anonymous', async () => {
      const client = await open();
      const answer = await client.auth('not.a.token');
      expect(answer).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      const { room } = await publishedEvent('internal');
      expect(await client.subscribe(room)).toMatchObject({ type: 'error', code: 'NOT_FOUND', room });
      expect(client.closed).toBeUndefined();
    });

    it('when the token expires and no fresh auth comes, then the connection is closed with 4401', async () => {
      const user = await signer.token({}, 2);
      const client = await open();
      await client.auth(user.token);
      expect(await client.closedWith()).toBe(4401);
    });

    it('when a fresh auth comes before the token expires, then the connection stays open past the old expiry', async () => {
      const short = await signer.token({}, 2);
      const client = await open();
      await client.auth(short.token);
      // A second connection on the same short token, authenticated later, is closed at its expiry:
      // when it is, the first connection's old expiry has passed too (its timer was due no later).
      const control = await open();
      await control.auth(short.token);
      const fresh = await signer.token({ id: short.id }, 300);
      const ready = await client.auth(fresh.token);
      expect(Date.parse((ready as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now() + 60_000);
      expect(await control.closedWith()).toBe(4401);
      expect(await client.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
      expect(client.closed).toBeUndefined();
    });

    it('when a connection authenticates as a second user, then it is refused and keeps the first identity', async () => {
      const first = await signer.token({});
      const second = await signer.token({});
      const client = await open();
      await client.auth(first.token);
      expect(await client.auth(second.token)).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
      expect(await client.subscribe(`user:${first.id}`)).toMatchObject({ type: 'subscribed' });
    });

    it('when a reconnecting client sends since, then the newer notifications are replayed oldest first, and an unknown id replays none', async () => {
      const user = await signer.token({});
      for (let i = 0; i < 3; i++) {
        const m = messages.registration(i === 0 ? 'confirmed' : 'waitlisted', newId('evt'), user.id);
        await env.publishRaw(m.type, m);
      }
      const inboxOf = async () =>
        (await request(service.app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200)).body as {
          items: { id: string }[];
        };
      await vi.waitFor(async () => expect((await inboxOf()).items).toHaveLength(3), { timeout: 10_000, interval: 50 });
      const newestFirst = (await inboxOf()).items.map((n) => n.id);

      const client = await open();
      await client.auth(user.token, newestFirst[2]);
      await client.request({ type: 'ping' }, 'pong'); // frames are handled in order: the replay is complete
      const replayed = client.frames.filter((f) => f.type === 'notification');
      expect(replayed.map((f) => f.notification.id)).toEqual([newestFirst[1], newestFirst[0]]);
      expect(replayed.every((f) => f.unread === 3)).toBe(true);

      const stranger = await signer.token({});
      const other = await open();
      await other.auth(stranger.token, newestFirst[2]); // someone else's id
      await other.request({ type: 'ping' }, 'pong');
      expect(other.frames.filter((f) => f.type === 'notification')).toHaveLength(0);
    });
  });

  describe('rooms and visibility', () => {
    it('when an anonymous client subscribes, then only public events are allowed and the others look like unknown ones', async () => {
      const pub = await publishedEvent('public');
      const internal = await publishedEvent('internal');
      const priv = await publishedEvent('private');
      const client = await open();
      expect(await client.subscribe(pub.room)).toEqual({ type: 'subscribed', room: pub.room });
      const unknown = `event:${newId('evt')}`;
      const refusals = [await client.subscribe(internal.room), await client.subscribe(priv.room), await client.subscribe(unknown)];
      expect(refusals.map((r) => r.type === 'error' && [r.code, r.message])).toEqual([
        ['NOT_FOUND', 'No such event.'],
        ['NOT_FOUND', 'No such event.'],
        ['NOT_FOUND', 'No such event.'],
      ]);
    });

    it('when a private event is watched, then its organizer, an admin and a registrant may, and another user may not', async () => {
      const priv = await publishedEvent('private');
      const registrant = await signer.token({});
      const reg = messages.registration('confirmed', priv.eventId, registrant.id);
      await env.publishRaw(reg.type, reg);
      const admin = await signer.token({ roles: ['admin'] });
      const stranger = await signer.token({});

      const r = await open();
      await r.auth(registrant.token);
      await vi.waitFor(async () => expect((await r.subscribe(priv.room)).type).toBe('subscribed'), { timeout: 10_000, interval: 50 });
      const a = await open();
      await a.auth(admin.token);
      expect((await a.subscribe(priv.room)).type).toBe('subscribed');
      const o = await open();
      await o.auth(priv.organizer.token);
      expect((await o.subscribe(priv.room)).type).toBe('subscribed');
      const s = await open();
      await s.auth(stranger.token);
      expect(await s.subscribe(priv.room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    });

    it('when a registration for a private event is cancelled, then its holder is taken out of the room and cannot come back', async () => {
      const priv = await publishedEvent('private');
      const user = await signer.token({});
      const reg = messages.registration('confirmed', priv.eventId, user.id);
      await env.publishRaw(reg.type, reg);
      const c = await open();
      await c.auth(user.token);
      await vi.waitFor(async () => expect((await c.subscribe(priv.room)).type).toBe('subscribed'), { timeout: 10_000, interval: 50 });
      const organizer = await open();
      await organizer.auth(priv.organizer.token);
      await organizer.subscribe(priv.room);

      // Count frames before publishing: the eviction may arrive before publishRaw returns.
      const from = c.frames.length;
      const cancel = messages.registration('cancelled', priv.eventId, user.id);
      await env.publishRaw(cancel.type, cancel);
      expect(await c.next('unsubscribed', (f) => f.room === priv.room, from)).toEqual({ type: 'unsubscribed', room: priv.room });
      expect(await c.subscribe(priv.room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
      // The organizer stays, and so does the room's traffic for them.
      const m = messages.availability(priv.eventId, 1, new Date(), 'private');
      await env.publishRaw(m.type, m);
      expect((await organizer.next('availability')).eventId).toBe(priv.eventId);
      expect(c.frames.filter((f) => f.type === 'availability')).toHaveLength(0);
    });

    it('when a public event becomes private, then anonymous and unregistered watchers are dropped and hear nothing more; its organizer stays', async () => {
      const pub = await publishedEvent('public');
      const anonymous = await open();
      expect((await anonymous.subscribe(pub.room)).type).toBe('subscribed');
      const stranger = await open();
      await stranger.auth((await signer.token({})).token);
      expect((await stranger.subscribe(pub.room)).type).toBe('subscribed');
      const organizer = await open();
      await organizer.auth(pub.organizer.token);
      await organizer.subscribe(pub.room);
      const from = [anonymous.frames.length, stranger.frames.length];

      const narrowed = messages.updated(pub.eventId, 'private', { changed: ['visibility'] });
      await env.publishRaw(narrowed.type, narrowed);
      expect(await anonymous.next('unsubscribed', (f) => f.room === pub.room, from[0])).toEqual({ type: 'unsubscribed', room: pub.room });
      expect(await stranger.next('unsubscribed', (f) => f.room === pub.room, from[1])).toEqual({ type: 'unsubscribed', room: pub.room });
      expect((await organizer.next('event', (f) => f.change === 'updated')).changed).toEqual(['visibility']);

      const m = messages.availability(pub.eventId, 5, new Date(), 'private');
      await env.publishRaw(m.type, m);
      expect((await organizer.next('availability')).eventId).toBe(pub.eventId);
      for (const c of [anonymous, stranger]) expect(c.frames.filter((f) => f.type === 'availability' || f.type === 'event')).toEqual([]);
      expect(await anonymous.subscribe(pub.room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    });

    it('when a co-organizer is added, then they may watch the private event and see its check-ins', async () => {
      const priv = await publishedEvent('private');
      const colleague = await signer.token({ roles: ['organizer'] });
      const c = await open();
      await c.auth(colleague.token);
      expect(await c.subscribe(priv.room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });

      const added = messages.updated(priv.eventId, 'private', {
        changed: ['organizerIds'],
        organizerIds: [priv.organizer.id, colleague.id],
      });
      await env.publishRaw(added.type, added);
      await vi.waitFor(async () => expect((await c.subscribe(priv.room)).type).toBe('subscribed'), { timeout: 10_000, interval: 50 });
      const scan = messages.checkin(priv.eventId, 3);
      await env.publishRaw(scan.type, scan);
      expect((await c.next('checkins')).checkedIn).toBe(3);
    });

    it("when someone asks for another user's room, then it is refused", async () => {
      const me = await signer.token({});
      const c = await open();
      expect(await c.subscribe(`user:${me.id}`)).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      await c.auth(me.token);
      expect(await c.subscribe(`user:${newId('usr')}`)).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    });

    it('when an event changes or is cancelled, then its room hears it', async () => {
      const pub = await publishedEvent('public');
      const c = await open();
      await c.subscribe(pub.room);
      const updated = messages.updated(pub.eventId);
      await env.publishRaw(updated.type, updated);
      expect(await c.next('event', (f) => f.change === 'updated')).toMatchObject({ eventId: pub.eventId, changed: ['startsAt', 'endsAt'] });
      const cancelled = messages.cancelled(pub.eventId);
      await env.publishRaw(cancelled.type, cancelled);
      expect(await c.next('event', (f) => f.change === 'cancelled')).toMatchObject({ eventId: pub.eventId });
    });

    it('when someone checks in, then the managers in the room see the count and attendees do not', async () => {
      const pub = await publishedEvent('public');
      const organizer = await open();
      await organizer.auth(pub.organizer.token);
      await organizer.subscribe(pub.room);
      const attendee = await open();
      await attendee.subscribe(pub.room);

      const checkin = messages.checkin(pub.eventId, 7);
      await env.publishRaw(checkin.type, checkin);
      expect(await organizer.next('checkins')).toMatchObject({ eventId: pub.eventId, checkedIn: 7 });
      // Anything sent to the attendee for the check-in would arrive before this later frame.
      const later = messages.availability(pub.eventId, 1);
      await env.publishRaw(later.type, later);
      await attendee.next('availability');
      expect(attendee.frames.filter((f) => f.type === 'checkins')).toHaveLength(0);
    });

    it('when a check-in is undone at one door, then every other manager socket in the room sees the new count and which ticket, attendees nothing', async () => {
      const pub = await publishedEvent('public');
      const doors = [await open(), await open()];
      for (const door of doors) {
        await door.auth(pub.organizer.token);
        await door.subscribe(pub.room);
      }
      const attendee = await open();
      await attendee.subscribe(pub.room);

      const checkin = messages.checkin(pub.eventId, 4);
      await env.publishRaw(checkin.type, checkin);
      const registrationId = (checkin.data as { registrationId: string }).registrationId;
      for (const door of doors) {
        expect(await door.next('checkins')).toMatchObject({ checkedIn: 4, change: 'recorded', registrationId });
      }
      const undone = messages.undone(pub.eventId, registrationId, 3);
      await env.publishRaw(undone.type, undone);
      for (const door of doors) {
        expect(await door.next('checkins', (f) => f.change === 'undone')).toMatchObject({
          eventId: pub.eventId,
          checkedIn: 3,
          registrationId,
        });
      }
      const later = messages.availability(pub.eventId, 1);
      await env.publishRaw(later.type, later);
      await attendee.next('availability');
      expect(attendee.frames.filter((f) => f.type === 'checkins')).toHaveLength(0);
    });

    it('when a client asks for more rooms than allowed, then TOO_MANY_ROOMS', async () => {
      const user = await signer.token({});
      const c = await open();
      await c.auth(user.token); // its own user room counts
      const events = [
        await publishedEvent('public'),
        await publishedEvent('public'),
        await publishedEvent('public'),
        await publishedEvent('public'),
      ];
      const answers = [];
      for (const e of events) answers.push(await c.subscribe(e.room));
      expect(answers.map((a) => (a.type === 'error' ? a.code : a.type))).toEqual([
        'subscribed',
        'subscribed',
        'subscribed',
        'TOO_MANY_ROOMS',
      ]);
    });
  });

  describe('availability', () => {
    it('when availability carries ticket types, then the room hears the visible types’ counts and never a hidden one', async () => {
      const pub = await publishedEvent('public');
      const c = await open();
      await c.subscribe(pub.room);
      const shown = { id: 'tkt_0123456789abcdefghijklmno', capacity: 60, confirmed: 7, seatsLeft: 53, waitlisted: 0, hidden: false };
      const hidden = { id: 'tkt_zyxwvutsrqponmlkjihgfedcb', capacity: 5, confirmed: 2, seatsLeft: 3, waitlisted: 0, hidden: true };
      const m = messages.availability(pub.eventId, 9);
      await env.publishRaw(m.type, { ...m, data: { ...(m.data as Record<string, unknown>), ticketTypes: [shown, hidden] } });
      const frame = await c.next('availability');
      expect(frame.type === 'availability' && frame.availability.ticketTypes).toEqual([
        { id: shown.id, capacity: 60, confirmed: 7, seatsLeft: 53, waitlisted: 0 },
      ]);
    });

    it('when a burst of availability changes arrives, then the room gets fewer pushes, in order, ending on the latest counts', async () => {
      const pub = await publishedEvent('public');
      const c = await open();
      await c.subscribe(pub.room);
      const base = Date.now();
      for (let confirmed = 1; confirmed <= 20; confirmed++) {
        const m = messages.availability(pub.eventId, confirmed, new Date(base + confirmed));
        await env.publishRaw(m.type, m);
      }
      await c.next('availability', (f) => f.availability.confirmed === 20);
      // An older message arriving late never moves the counts backwards.
      const stale = messages.availability(pub.eventId, 3, new Date(base + 3));
      await env.publishRaw(stale.type, stale);
      const marker = messages.updated(pub.eventId);
      await env.publishRaw(marker.type, marker);
      await c.next('event');
      const counts = c.frames.filter((f) => f.type === 'availability').map((f) => f.availability.confirmed);
      expect(counts.length).toBeLessThan(20);
      expect(counts.at(-1)).toBe(20);
      expect([...counts].sort((x, y) => x - y)).toEqual(counts);
      expect(new Set(counts).size).toBe(counts.length);
    });

    it('when availability changes for a private event, then anonymous clients cannot have subscribed to hear it', async () => {
      const priv = await publishedEvent('private');
      const c = await open();
      expect(await c.subscribe(priv.room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
      const m = messages.availability(priv.eventId, 5, new Date(), 'private');
      await env.publishRaw(m.type, m);
      const pub = await publishedEvent('public');
      await c.subscribe(pub.room);
      const marker = messages.availability(pub.eventId, 1);
      await env.publishRaw(marker.type, marker);
      await c.next('availability');
      expect(c.frames.filter((f) => f.type === 'availability').map((f) => f.type === 'availability' && f.eventId)).toEqual([pub.eventId]);
    });
  });

  describe('the realtime consumer', () => {
    const consumed = async (outcome: string) => {
      const metric = (await registry.getSingleMetric('secureevent_messages_consumed_total')?.get())?.values ?? [];
      return metric.filter((v) => v.labels.consumer === 'realtime' && v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
    };

    it('when an event message is delivered twice, then the room hears it once', async () => {
      const pub = await publishedEvent('public');
      const c = await open();
      await c.subscribe(pub.room);
      const duplicatesBefore = await consumed('duplicate');
      const updated = messages.updated(pub.eventId);
      await env.publishRaw(updated.type, updated);
      await env.publishRaw(updated.type, updated);
      await vi.waitFor(async () => expect(await consumed('duplicate')).toBe(duplicatesBefore + 1), { timeout: 10_000, interval: 50 });
      await c.next('event');
      expect(c.frames.filter((f) => f.type === 'event')).toHaveLength(1);
    });

    it('when a message breaks its contract, then it is dead-lettered and pushes keep flowing', async () => {
      const queue = 'notification-service.realtime';
      const before = await env.deadLetterCount(queue);
      await env.publishRaw('event.availability_changed.v1', Buffer.from('{"truncated":'));
      await env.publishRaw('checkin.recorded.v1', createEnvelope('/x', { type: 'checkin.recorded.v1', data: { eventId: 'not-an-id' } }));
      await vi.waitFor(async () => expect(await env.deadLetterCount(queue)).toBe(before + 2), { timeout: 10_000, interval: 50 });
      const pub = await publishedEvent('public');
      const c = await open();
      await c.subscribe(pub.room);
      const m = messages.availability(pub.eventId, 4);
      await env.publishRaw(m.type, m);
      expect((await c.next('availability')).availability.confirmed).toBe(4);
    });
  });

  describe('bad input', () => {
    it('when garbage arrives, then each frame gets an error frame and the connection stays usable', async () => {
      const c = await open();
      const answers = [];
      for (const frame of [
        'not json',
        '[1,2,3]',
        '{}',
        { type: 'explode' },
        { type: 'auth' },
        { type: 'subscribe', room: 'event:../../etc/passwd' },
        { type: 'subscribe', room: 42 },
        'null',
      ]) {
        answers.push(await c.request(frame, 'error'));
      }
      expect(answers.map((a) => a.code)).toEqual([
        'BAD_FRAME',
        'UNKNOWN_TYPE',
        'UNKNOWN_TYPE',
        'UNKNOWN_TYPE',
        'BAD_FRAME',
        'BAD_FRAME',
        'BAD_FRAME',
        'UNKNOWN_TYPE',
      ]);
      const binary = c.frames.length;
      c.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
      expect(await c.next('error', () => true, binary)).toMatchObject({ code: 'BAD_FRAME' });
      expect(await c.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    });

    it('when a frame is larger than the limit, then the connection is closed with 1009 and the server keeps serving', async () => {
      const c = await open();
      c.send(JSON.stringify({ type: 'auth', token: 'x'.repeat(64 * 1024) }));
      expect(await c.closedWith()).toBe(1009);
      const next = await open();
      expect(await next.request({ type: 'ping' }, 'pong')).toEqual({ type: 'pong' });
    });

    it('when a client floods frames, then it is closed with 4429', async () => {
      const c = await open();
      for (let i = 0; i < 300; i++) c.send({ type: 'ping' });
      expect(await c.closedWith()).toBe(4429);
      expect(c.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(200);
    });

    it('when a peer stops answering pings, then the server drops it', async () => {
      const c = await open({ autoPong: false });
      expect(await c.closedWith()).toBe(1006);
    });

    it('when a client upgrades on another path, then it is refused', async () => {
      const ws = new WebSocket(service.url.replace('/ws', '/elsewhere'));
      const status = await new Promise<number | undefined>((resolve) => {
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
        ws.on('error', () => resolve(undefined));
      });
      expect(status).toBe(404);
    });
  });

  it('when clients connect and frames are pushed, then the metrics count them', async () => {
    const pub = await publishedEvent('public');
    const c = await open();
    await c.subscribe(pub.room);
    const m = messages.availability(pub.eventId, 9);
    await env.publishRaw(m.type, m);
    await c.next('availability');
    const text = await registry.metrics();
    expect(text).toMatch(/secureevent_ws_connections\{service="notification-service"\} [1-9]/);
    expect(text).toMatch(/secureevent_ws_messages_pushed_total\{service="notification-service",type="availability"\} [1-9]/);
  });
});
