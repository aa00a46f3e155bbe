import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newId, type Envelope, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import type { NotificationsDb } from '../src/db/schema.js';
import { createSigner, messages, startRealtimeInstance, TestClient } from './realtime.support.js';

/**
 * The gateway's projection of events (who may watch a room) against messages delivered out of
 * order, and the shared access rule from @secureevent/contracts.
 */
describe('room access: event projection versions and the shared visibility rule', () => {
  let env: TestEnv;
  let signer: Awaited<ReturnType<typeof createSigner>>;
  let service: Awaited<ReturnType<typeof startRealtimeInstance>>;
  let sdb: ServiceDb<NotificationsDb>;
  const clients: TestClient[] = [];
  const t = (offsetSeconds: number) => new Date(Date.parse('2026-05-01T10:00:00.000Z') + offsetSeconds * 1000);

  beforeAll(async () => {
    env = await createTestEnv();
    signer = await createSigner();
    service = await startRealtimeInstance(env, {}, { verifier: signer.verifier });
    sdb = service.sdb;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await service.stop();
    await env.close();
  });

  /** Publishes the messages in the order given and waits until the realtime consumer has recorded each one. */
  async function deliver(...envelopes: Envelope[]) {
    for (const m of envelopes) {
      await env.publishRaw(m.type, m);
      await vi.waitFor(
        async () => {
          const row = await sdb.db
            .selectFrom('inbox')
            .select('message_id')
            .where('consumer', '=', 'realtime')
            .where('message_id', '=', m.id)
            .executeTakeFirst();
          expect(row).toBeDefined();
        },
        { timeout: 10_000, interval: 50 },
      );
    }
  }

  const projection = (eventId: string) =>
    sdb.db
      .selectFrom('realtime_events')
      .select(['status', 'visibility', 'organizer_ids'])
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();

  async function subscribeAnonymously(room: string) {
    const c = await TestClient.open(service.url);
    clients.push(c);
    return c.subscribe(room);
  }

  it('when event.published.v1 arrives after the cancellation it preceded, then the event stays cancelled', async () => {
    const eventId = newId('evt');
    await deliver(messages.cancelled(eventId, t(20)), messages.published({ eventId, at: t(10) }));
    expect((await projection(eventId)).status).toBe('cancelled');
  });

  it('when an older event.updated.v1 arrives after the cancellation, then it changes nothing', async () => {
    const eventId = newId('evt');
    await deliver(
      messages.published({ eventId, at: t(0) }),
      messages.cancelled(eventId, t(30)),
      messages.updated(eventId, 'private', { at: t(20) }),
    );
    expect(await projection(eventId)).toMatchObject({ status: 'cancelled', visibility: 'public' });
  });

  it('when the same messages arrive in order, then each applies (the guard only drops what is older)', async () => {
    const eventId = newId('evt');
    const organizer = newId('usr');
    await deliver(
      messages.published({ eventId, at: t(0), visibility: 'public' }),
      messages.updated(eventId, 'internal', { at: t(10), changed: ['visibility'], organizerIds: [organizer] }),
    );
    expect(await projection(eventId)).toMatchObject({ status: 'published', visibility: 'internal', organizer_ids: [organizer] });
    await deliver(messages.cancelled(eventId, t(20)));
    expect((await projection(eventId)).status).toBe('cancelled');
  });

  it('when a late update would widen a private event again, then anonymous watchers stay out', async () => {
    const eventId = newId('evt');
    const room = `event:${eventId}`;
    await deliver(
      messages.published({ eventId, at: t(0), visibility: 'public' }),
      messages.updated(eventId, 'private', { at: t(30), changed: ['visibility'] }),
      messages.updated(eventId, 'public', { at: t(20), changed: ['visibility'] }),
    );
    expect((await projection(eventId)).visibility).toBe('private');
    expect(await subscribeAnonymously(room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });

  it('when an organizer of a private event has lost the organizer role, then they may no longer watch it as its manager', async () => {
    const organizerId = newId('usr');
    const m = messages.published({ visibility: 'private', organizerIds: [organizerId] });
    await deliver(m);
    const room = `event:${m.data.eventId}`;

    const current = await signer.token({ id: organizerId, roles: ['attendee', 'organizer'] });
    const asOrganizer = await TestClient.open(service.url);
    clients.push(asOrganizer);
    await asOrganizer.auth(current.token);
    expect((await asOrganizer.subscribe(room)).type).toBe('subscribed');

    const demoted = await signer.token({ id: organizerId, roles: ['attendee'] });
    const asDemoted = await TestClient.open(service.url);
    clients.push(asDemoted);
    await asDemoted.auth(demoted.token);
    expect(await asDemoted.subscribe(room)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });
});
