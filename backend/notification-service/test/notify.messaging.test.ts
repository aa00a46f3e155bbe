import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, newId } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { createNotificationService } from '../src/service.js';
import { testMailSettings } from './email.fixture.js';

const QUEUE = 'notification-service.notify';

describe('notification consumers', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, createNotificationService({ mail: testMailSettings() }));
    app = started.app;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  const registration = (userId: string, status: 'confirmed' | 'waitlisted' | 'cancelled', type: string) =>
    createEnvelope('/secureevent/event-service', {
      type,
      data: {
        registrationId: newId('reg'),
        eventId: newId('evt'),
        userId,
        eventTitle: 'Security Summit',
        startsAt: new Date().toISOString(),
        status,
        ...(status === 'waitlisted' ? { waitlistPosition: 3 } : {}),
        at: new Date().toISOString(),
      },
    });

  const inboxOf = async (user: { token: string }) =>
    (await request(app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200)).body;

  it('when a registration is confirmed, then its holder is notified once even if the message is delivered twice', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const message = registration(user.id, 'confirmed', 'registration.confirmed.v1');
    await env.publishRaw(message.type, message);
    await env.publishRaw(message.type, message);
    const marker = registration(user.id, 'waitlisted', 'registration.waitlisted.v1');
    await env.publishRaw(marker.type, marker);
    await vi.waitFor(async () => expect((await inboxOf(user)).items).toHaveLength(2), { timeout: 10_000, interval: 100 });
    const inbox = await inboxOf(user);
    expect(inbox.items.map((n: { kind: string }) => n.kind).sort()).toEqual(['registration_confirmed', 'registration_waitlisted']);
    expect(inbox.items.find((n: { kind: string }) => n.kind === 'registration_waitlisted').body).toContain('number 3');
    expect(inbox.unread).toBe(2);
  });

  it('when a registration waits for approval, then each organizer is told in the app; when one is rejected, its holder is told why', async () => {
    const [org1, org2, person] = await Promise.all([
      env.tokenFor({ roles: ['organizer'] }),
      env.tokenFor({ roles: ['organizer'] }),
      env.tokenFor({ roles: ['attendee'] }),
    ]);
    const pending = registration(person.id, 'confirmed', 'registration.pending.v1');
    const pendingMessage = {
      ...pending,
      data: { ...(pending.data as Record<string, unknown>), status: 'pending', organizerIds: [org1.id, org2.id] },
    };
    await env.publishRaw(pendingMessage.type, pendingMessage);
    await env.publishRaw(pendingMessage.type, pendingMessage);
    const rejected = registration(person.id, 'confirmed', 'registration.rejected.v1');
    const rejectedMessage = {
      ...rejected,
      data: { ...(rejected.data as Record<string, unknown>), status: 'rejected', reason: 'Members only' },
    };
    await env.publishRaw(rejectedMessage.type, rejectedMessage);
    await vi.waitFor(async () => expect((await inboxOf(person)).items).toHaveLength(1), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect((await inboxOf(org2)).items).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect((await inboxOf(org1)).items.map((n: { kind: string }) => n.kind)).toEqual(['registration_pending']);
    const [note] = (await inboxOf(person)).items;
    expect(note).toMatchObject({ kind: 'registration_rejected', title: 'Not approved: “Security Summit”' });
    expect(note.body).toContain('Members only');
  });

  it('when an event is cancelled, then everyone registered is notified, and read-all clears the unread count', async () => {
    const a = await env.tokenFor({ roles: ['attendee'] });
    const b = await env.tokenFor({ roles: ['attendee'] });
    const message = createEnvelope('/secureevent/event-service', {
      type: 'event.cancelled.v1',
      data: {
        eventId: newId('evt'),
        title: 'Offsite',
        visibility: 'public',
        registeredUserIds: [a.id, b.id],
        cancelledBy: newId('usr'),
        cancelledAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(message.type, message);
    await vi.waitFor(async () => expect((await inboxOf(b)).items).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect((await inboxOf(a)).items[0].title).toBe('“Offsite” is cancelled');
    const res = await request(app).post('/api/notifications/read-all').set('authorization', `Bearer ${a.token}`).expect(200);
    expect(res.body.marked).toBe(1);
    expect((await inboxOf(a)).unread).toBe(0);
    expect((await inboxOf(b)).unread).toBe(1);
  });

  it('when a message breaks its contract, then it is dead-lettered and the consumer keeps working', async () => {
    const before = await env.deadLetterCount(QUEUE);
    await env.publishRaw(
      'registration.confirmed.v1',
      createEnvelope('/x', { type: 'registration.confirmed.v1', data: { userId: 'not-an-id' } }),
    );
    await env.publishRaw('user.roles_changed.v1', Buffer.from('{"truncated":'));
    await vi.waitFor(async () => expect(await env.deadLetterCount(QUEUE)).toBe(before + 2), { timeout: 10_000, interval: 100 });
    const user = await env.tokenFor({ roles: ['attendee'] });
    const ok = createEnvelope('/secureevent/user-service', {
      type: 'user.roles_changed.v1',
      data: {
        userId: user.id,
        roles: ['attendee', 'organizer'],
        previousRoles: ['attendee'],
        changedBy: newId('usr'),
        changedAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(ok.type, ok);
    await vi.waitFor(async () => expect((await inboxOf(user)).items.map((n: { kind: string }) => n.kind)).toEqual(['roles_changed']), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
