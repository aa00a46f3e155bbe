import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, newId } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { NotificationsDb } from '../src/db/schema.js';
import { startReminderClaimer } from '../src/reminders/reminder-claimer.js';
import { createNotificationService } from '../src/service.js';
import { registrationMessage, startSmtpSink, testMailSettings, userRegistered, type SmtpSink } from './email.fixture.js';

const wait = { timeout: 20_000, interval: 50 };
const HOUR = 3_600_000;

/** A clock the test moves forward: the schedule is in the database, so time is the only thing to fake. */
function testClock() {
  let shiftMs = 0;
  return {
    now: () => new Date(Date.now() + shiftMs),
    set(at: Date) {
      shiftMs = at.getTime() - Date.now();
    },
  };
}

const eventPublished = (eventId: string, startsAt: Date, title = 'Quarterly all-hands') =>
  createEnvelope('/secureevent/event-service', {
    type: 'event.published.v1',
    data: {
      eventId,
      title,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(),
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      capacity: 100,
      organizerIds: [newId('usr')],
      publishedBy: newId('usr'),
      publishedAt: new Date().toISOString(),
    },
  });

type Db = Awaited<ReturnType<typeof startServiceForTest<NotificationsDb>>>['sdb']['db'];
const remindersOf = (db: Db, registrationId: string) =>
  db.selectFrom('reminders').selectAll().where('registration_id', '=', registrationId).orderBy('offset_minutes', 'desc').execute();

describe('reminders', () => {
  let env: TestEnv;
  let sink: SmtpSink;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let db: Db;
  let stop: () => Promise<void>;
  const clock = testClock();

  beforeAll(async () => {
    env = await createTestEnv();
    sink = await startSmtpSink();
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings({ smtpUrl: sink.url }), reminders: { pollIntervalMs: 50, clock: clock.now } }),
    );
    app = started.app;
    db = started.sdb.db;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await sink.close();
    await env.close();
  });

  const remindersInInbox = async (user: { token: string }) =>
    (
      (await request(app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200)).body as {
        items: { kind: string; title: string; body: string }[];
      }
    ).items.filter((n) => n.kind === 'event_reminder');

  /** An attendee with a known address and a confirmed seat at a published event starting at `startsAt`. */
  async function attendeeOf(eventId: string, startsAt: Date) {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const registered = userRegistered(user);
    await env.publishRaw(registered.type, registered);
    const confirmed = registrationMessage('registration.confirmed.v1', { userId: user.id, eventId, startsAt: startsAt.toISOString() });
    await env.publishRaw(confirmed.type, confirmed);
    const registrationId = (confirmed.data as { registrationId: string }).registrationId;
    await vi.waitFor(
      async () => expect((await remindersOf(db, registrationId)).map((r) => r.status)).toEqual(['pending', 'pending']),
      wait,
    );
    return { ...user, registrationId, email: `${user.id}@example.test` };
  }

  async function publishedEvent(startsAt: Date, title?: string) {
    const eventId = newId('evt');
    const m = eventPublished(eventId, startsAt, title);
    await env.publishRaw(m.type, m);
    await vi.waitFor(
      async () => expect(await db.selectFrom('events').select('event_id').where('event_id', '=', eventId).executeTakeFirst()).toBeDefined(),
      wait,
    );
    return eventId;
  }

  it('when an attendee has a seat, then the 24-hour and the 1-hour reminder each arrive once, in the inbox and by email', async () => {
    const startsAt = new Date(clock.now().getTime() + 3 * 24 * HOUR);
    const eventId = await publishedEvent(startsAt, 'Threat modelling <workshop>');
    const user = await attendeeOf(eventId, startsAt);

    clock.set(new Date(startsAt.getTime() - 24 * HOUR + 60_000));
    await vi.waitFor(
      async () => expect((await remindersOf(db, user.registrationId)).map((r) => r.status)).toEqual(['sent', 'pending']),
      wait,
    );
    expect((await remindersInInbox(user)).map((n) => n.title)).toEqual(['Starting in 24 hours: “Threat modelling <workshop>”']);

    clock.set(new Date(startsAt.getTime() - HOUR + 60_000));
    await vi.waitFor(async () => expect((await remindersOf(db, user.registrationId)).map((r) => r.status)).toEqual(['sent', 'sent']), wait);
    expect((await remindersInInbox(user)).map((n) => n.title).sort()).toEqual([
      'Starting in 1 hour: “Threat modelling <workshop>”',
      'Starting in 24 hours: “Threat modelling <workshop>”',
    ]);

    await vi.waitFor(() => expect(sink.to(user.email).filter((m) => m.subject?.startsWith('Starting in'))).toHaveLength(2), wait);
    const oneHour = sink.to(user.email).find((m) => m.subject === 'Starting in 1 hour: “Threat modelling <workshop>”');
    expect(String(oneHour?.html)).toContain('Threat modelling &lt;workshop&gt;');
    expect(oneHour?.text).toContain(`https://events.example.test/events/${eventId}`);
  });

  it('when the event moves, then its reminders move with it and none goes out at the old time', async () => {
    const startsAt = new Date(clock.now().getTime() + 5 * 24 * HOUR);
    const movedTo = new Date(startsAt.getTime() + 2 * 24 * HOUR);
    const eventId = await publishedEvent(startsAt);
    const user = await attendeeOf(eventId, startsAt);
    const updated = createEnvelope('/secureevent/event-service', {
      type: 'event.updated.v1',
      data: {
        eventId,
        title: 'Quarterly all-hands',
        startsAt: movedTo.toISOString(),
        endsAt: new Date(movedTo.getTime() + 2 * HOUR).toISOString(),
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        changed: ['startsAt', 'endsAt'],
        registeredUserIds: [user.id],
        updatedBy: newId('usr'),
        updatedAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(updated.type, updated);
    await vi.waitFor(
      async () =>
        expect((await remindersOf(db, user.registrationId)).map((r) => new Date(r.due_at).toISOString())).toEqual([
          new Date(movedTo.getTime() - 24 * HOUR).toISOString(),
          new Date(movedTo.getTime() - HOUR).toISOString(),
        ]),
      wait,
    );

    // The old 24-hour mark passes: a claim round finds nothing due for this registration.
    clock.set(new Date(startsAt.getTime() - 24 * HOUR + 60_000));
    const claimer = await startReminderClaimer({ db, logger: env.logger, clock: clock.now, pollIntervalMs: 600_000 });
    await claimer.drain();
    await claimer.stop();
    expect(await remindersInInbox(user)).toEqual([]);
    expect((await remindersOf(db, user.registrationId)).map((r) => r.status)).toEqual(['pending', 'pending']);

    clock.set(new Date(movedTo.getTime() - 24 * HOUR + 60_000));
    await vi.waitFor(
      async () => expect((await remindersInInbox(user)).map((n) => n.title)).toEqual(['Starting in 24 hours: “Quarterly all-hands”']),
      wait,
    );
    expect((await remindersInInbox(user))[0]!.body).toContain(String(movedTo.getUTCFullYear()));
  });

  it('when a registration or the whole event is cancelled, then those reminders are dropped and never sent', async () => {
    const startsAt = new Date(clock.now().getTime() + 9 * 24 * HOUR);
    const kept = await publishedEvent(startsAt);
    const cancelledEvent = await publishedEvent(startsAt);
    const stays = await attendeeOf(kept, startsAt);
    const leaves = await attendeeOf(kept, startsAt);
    const ofCancelledEvent = await attendeeOf(cancelledEvent, startsAt);

    const cancelled = registrationMessage('registration.cancelled.v1', {
      userId: leaves.id,
      eventId: kept,
      registrationId: leaves.registrationId,
      startsAt: startsAt.toISOString(),
    });
    await env.publishRaw(cancelled.type, cancelled);
    const eventCancelled = createEnvelope('/secureevent/event-service', {
      type: 'event.cancelled.v1',
      data: {
        eventId: cancelledEvent,
        title: 'Quarterly all-hands',
        visibility: 'public',
        registeredUserIds: [ofCancelledEvent.id],
        cancelledBy: newId('usr'),
        cancelledAt: new Date().toISOString(),
      },
    });
    await env.publishRaw(eventCancelled.type, eventCancelled);
    for (const r of [leaves, ofCancelledEvent]) {
      await vi.waitFor(
        async () => expect((await remindersOf(db, r.registrationId)).map((x) => x.status)).toEqual(['dropped', 'dropped']),
        wait,
      );
    }

    clock.set(new Date(startsAt.getTime() - 30 * 60_000));
    await vi.waitFor(
      async () => expect((await remindersOf(db, stays.registrationId)).map((r) => r.status)).toEqual(['sent', 'sent']),
      wait,
    );
    const claimer = await startReminderClaimer({ db, logger: env.logger, clock: clock.now, pollIntervalMs: 600_000 });
    await claimer.drain();
    await claimer.stop();
    expect(await remindersInInbox(leaves)).toEqual([]);
    expect(await remindersInInbox(ofCancelledEvent)).toEqual([]);
    expect(await remindersInInbox(stays)).toHaveLength(2);
  });
});

describe('reminders with two replicas', () => {
  let env: TestEnv;
  let sink: SmtpSink;
  let db: Db;
  const stops: (() => Promise<void>)[] = [];
  const clock = testClock();

  beforeAll(async () => {
    env = await createTestEnv();
    sink = await startSmtpSink();
    // Two notification-services on one database and one broker, as two pods would run.
    for (let i = 0; i < 2; i++) {
      const started = await startServiceForTest(
        env,
        createNotificationService({ mail: testMailSettings({ smtpUrl: sink.url }), reminders: { pollIntervalMs: 10, clock: clock.now } }),
      );
      db = started.sdb.db;
      stops.push(() => started.booted.stop());
    }
  });
  afterAll(async () => {
    for (const s of stops) await s();
    await sink.close();
    await env.close();
  });

  it('when both claim the same due reminders, then each attendee gets each reminder exactly once, in the inbox and by email', async () => {
    const startsAt = new Date(Date.now() + 4 * 24 * HOUR);
    const eventId = newId('evt');
    const published = eventPublished(eventId, startsAt);
    await env.publishRaw(published.type, published);
    const users = await Promise.all(Array.from({ length: 15 }, () => env.tokenFor({ roles: ['attendee'] })));
    for (const user of users) {
      const registered = userRegistered(user);
      await env.publishRaw(registered.type, registered);
      const m = registrationMessage('registration.confirmed.v1', { userId: user.id, eventId, startsAt: startsAt.toISOString() });
      await env.publishRaw(m.type, m);
    }
    const pending = () => db.selectFrom('reminders').select('status').where('event_id', '=', eventId).execute();
    await vi.waitFor(async () => expect((await pending()).filter((r) => r.status === 'pending')).toHaveLength(30), wait);

    // Both marks are due at once for all 30 rows: the replicas' claimers race for them.
    clock.set(new Date(startsAt.getTime() - 30 * 60_000));
    await vi.waitFor(async () => expect((await pending()).every((r) => r.status === 'sent')).toBe(true), wait);
    const reminderDeliveries = () => db.selectFrom('email_deliveries').select(['status']).where('kind', '=', 'event_reminder').execute();
    await vi.waitFor(async () => expect((await reminderDeliveries()).filter((d) => d.status === 'sent')).toHaveLength(30), wait);

    const notes = await db
      .selectFrom('notifications')
      .select(['user_id', 'title'])
      .where('kind', '=', 'event_reminder')
      .where(
        'user_id',
        'in',
        users.map((u) => u.id),
      )
      .execute();
    expect(notes).toHaveLength(30);
    for (const user of users) {
      expect(
        notes
          .filter((n) => n.user_id === user.id)
          .map((n) => n.title)
          .sort(),
      ).toEqual(['Starting in 1 hour: “Quarterly all-hands”', 'Starting in 24 hours: “Quarterly all-hands”']);
      expect(sink.to(`${user.id}@example.test`).filter((m) => m.subject?.startsWith('Starting in'))).toHaveLength(2);
    }
    expect(await reminderDeliveries()).toHaveLength(30);
  });
});
