import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';
import { createSigner, messages, startRealtimeInstance, TestClient } from './realtime.support.js';

describe('reminders pushed live', () => {
  let env: TestEnv;
  let signer: Awaited<ReturnType<typeof createSigner>>;
  let service: Awaited<ReturnType<typeof startRealtimeInstance>>;
  let shiftMs = 0;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    signer = await createSigner();
    service = await startRealtimeInstance(
      env,
      { reminders: { pollIntervalMs: 50, clock: () => new Date(Date.now() + shiftMs) } },
      { verifier: signer.verifier },
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await service.stop();
    await env.close();
  });

  it('when a reminder comes due, then it reaches the attendee’s open connection as a notification with the unread count', async () => {
    const user = await signer.token({ roles: ['attendee'] });
    const client = await TestClient.open(service.url);
    clients.push(client);
    await client.auth(user.token);

    // The event starts in 24 h (messages' default); the registration schedules its reminders.
    const published = messages.published();
    await env.publishRaw(published.type, published);
    const confirmed = messages.registration('confirmed', published.data.eventId, user.id);
    await env.publishRaw(confirmed.type, confirmed);
    const confirmation = await client.next('notification', (f) => f.notification.kind === 'registration_confirmed');

    // Fifty-nine minutes before the start: the claimer finds the reminders due.
    shiftMs = Date.parse(published.data.startsAt) - Date.now() - 59 * 60_000;
    const reminder = await client.next('notification', (f) => f.notification.kind === 'event_reminder');
    expect(reminder.notification.title).toContain('Security Summit');
    expect(reminder.unread).toBeGreaterThan(confirmation.unread);
  });
});
