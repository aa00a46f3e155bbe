import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bootService,
  messagingMigration,
  type BootedService,
  type MessagingTables,
  type Outbox,
  type ServiceDb,
  type Transport,
} from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { NotificationsDb } from '../src/db/schema.js';
import { createNotificationService } from '../src/service.js';
import { registrationMessage, startSmtpSink, testMailSettings, userRegistered, type SmtpSink } from './email.fixture.js';

/**
 * How long the broker stays cut, counted in what the relay does rather than in seconds: until
 * the first messages written during the outage have failed to publish this many times. CI
 * (CI=true) asks 8, which takes the relay's back-off (250 ms doubling) past its 10 s cap, about
 * 26 s of outage; a developer's run 3 unless FAULT_RELAY_FAILURES says otherwise. The number
 * changes nothing in the mechanism (the outbox holds messages, the relay retries with capped
 * back-off, the transport reconnects).
 */
const FAILURES = Number(process.env.FAULT_RELAY_FAILURES ?? (process.env.CI ? 8 : 3));
const wait = { timeout: 120_000, interval: 100 };

/**
 * Stands in for the event-service: registrations written with their message in one transaction
 * through the shared outbox and relay (the same code path), on the same broker the test cuts.
 */
function registrationsPublisher() {
  let outbox: Outbox | undefined;
  let sdb: ServiceDb<MessagingTables> | undefined;
  const definition = {
    name: 'fault-publisher',
    schema: 'fault_publisher',
    create(deps: { outbox: Outbox; sdb: ServiceDb<MessagingTables> }) {
      outbox = deps.outbox;
      sdb = deps.sdb;
      return {
        name: 'fault-publisher',
        schema: 'fault_publisher',
        migrations: { '0000_messaging': messagingMigration },
        routers: [],
        openapi: { path: '/fault-publisher/openapi.json', document: {} },
        consumers: [],
      };
    },
  };
  return {
    definition,
    async register(userId: string) {
      const m = registrationMessage('registration.confirmed.v1', { userId });
      await sdb!.db.transaction().execute((trx) => outbox!.add(trx, { type: m.type, subject: userId, data: m.data }));
    },
    async unpublished(): Promise<number> {
      const rows = await sdb!.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
      return rows.length;
    },
    /** For each unpublished message the relay has failed to publish, oldest first: how often it tried. */
    async failedAttempts(): Promise<number[]> {
      const rows = await sdb!.db
        .selectFrom('outbox')
        .select('attempts')
        .where('published_at', 'is', null)
        .where('last_error', 'is not', null)
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.attempts);
    },
  };
}

type Db = Awaited<ReturnType<typeof startServiceForTest<NotificationsDb>>>['sdb']['db'];

/** Per user: how many confirmation notifications, email rows and received emails exist. */
async function countsFor(db: Db, sink: SmtpSink, userIds: string[]) {
  const notes = await db.selectFrom('notifications').select('user_id').where('kind', '=', 'registration_confirmed').execute();
  const mails = await db
    .selectFrom('email_deliveries')
    .select(['user_id', 'status'])
    .where('kind', '=', 'registration_confirmed')
    .execute();
  return userIds.map((id) => ({
    notifications: notes.filter((n) => n.user_id === id).length,
    emailRows: mails.filter((m) => m.user_id === id && m.status === 'sent').length,
    emailsReceived: sink.to(`${id}@example.test`).length,
  }));
}
const once = { notifications: 1, emailRows: 1, emailsReceived: 1 };

describe('faults: the broker is cut while registrations continue', () => {
  let env: TestEnv;
  let sink: SmtpSink;
  let db: Db;
  let publisher: ReturnType<typeof registrationsPublisher>;
  let booted: BootedService<MessagingTables>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    sink = await startSmtpSink();
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings({ smtpUrl: sink.url }), reminders: { pollIntervalMs: 600_000 } }),
    );
    db = started.sdb.db;
    stop = () => started.booted.stop();
    publisher = registrationsPublisher();
    booted = await bootService(publisher.definition, env.adapters);
  });
  afterAll(async () => {
    env.restoreBroker();
    await booted.stop();
    await stop();
    await sink.close();
    await env.close();
  });

  it('when RabbitMQ is unreachable for a while, then after it returns every notification and email arrives exactly once', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => env.tokenFor({ roles: ['attendee'] })));
    for (const u of users) {
      const m = userRegistered(u);
      await env.publishRaw(m.type, m);
    }
    await vi.waitFor(async () => expect(await db.selectFrom('users').select('user_id').execute()).toHaveLength(20), wait);
    const ids = users.map((u) => u.id);
    const [before, during, after] = [ids.slice(0, 5), ids.slice(5, 15), ids.slice(15)];

    for (const id of before) await publisher.register(id);
    await vi.waitFor(async () => expect(await countsFor(db, sink, before)).toEqual(before.map(() => once)), wait);

    env.cutBroker();
    // Registrations go on through the outage: the second half is written once the relay has
    // failed on every message of the first.
    const [early, late] = [during.slice(0, 5), during.slice(5)];
    for (const id of early) await publisher.register(id);
    await vi.waitFor(async () => expect(await publisher.failedAttempts()).toHaveLength(early.length), wait);
    for (const id of late) await publisher.register(id);
    // The outage lasts until the relay has failed FAILURES times on the first message and at least once on every other.
    await vi.waitFor(async () => {
      const failed = await publisher.failedAttempts();
      expect(failed).toHaveLength(during.length);
      expect(failed[0]).toBeGreaterThanOrEqual(FAILURES);
    }, wait);
    // Nothing written during the outage has reached the broker: it waits in the outbox.
    expect(await publisher.unpublished()).toBe(during.length);
    expect((await countsFor(db, sink, during)).every((c) => c.notifications === 0)).toBe(true);
    env.restoreBroker();

    for (const id of after) await publisher.register(id);
    await vi.waitFor(async () => expect(await publisher.unpublished()).toBe(0), wait);
    await vi.waitFor(async () => expect(await countsFor(db, sink, ids)).toEqual(ids.map(() => once)), wait);
    expect(sink.received).toHaveLength(20);
  }, 240_000);
});

describe('faults: a consumer dies after its database commit and before its ack', () => {
  let env: TestEnv;
  let sink: SmtpSink;
  let db: Db;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let stop: () => Promise<void>;
  /** Message ids whose first successful handling is followed by a "crash" instead of an ack. */
  const killAfterCommit = new Set<string>();
  /** How many times each message id was handled. */
  const handled = new Map<string, number>();

  beforeAll(async () => {
    env = await createTestEnv();
    sink = await startSmtpSink();
    const inner = env.transport;
    // The notification-service's view of the broker: after the handler's transaction commits,
    // a marked message loses its ack — on RabbitMQ by dropping the connection (as a killed
    // process does), in-process by reporting the delivery unsettled — and comes back.
    const dying: Transport = {
      kind: inner.kind,
      publish: (e) => inner.publish(e),
      ping: () => inner.ping(),
      close: () => inner.close(),
      subscribe: (sub) =>
        inner.subscribe({
          ...sub,
          handle: async (body, attempt) => {
            const outcome = await sub.handle(body, attempt);
            const id = (JSON.parse(body.toString('utf8')) as { id?: string }).id ?? '';
            handled.set(id, (handled.get(id) ?? 0) + 1);
            if (outcome !== 'ack' || !killAfterCommit.delete(id)) return outcome;
            if (inner.kind === 'amqp') {
              env.cutBroker();
              // Back once the transport has seen the connection go (the ack is lost with it), not after a guessed delay.
              void vi
                .waitFor(() => expect(inner.ping()).rejects.toThrow(), { timeout: 15_000, interval: 50 })
                .finally(() => env.restoreBroker());
              return 'ack';
            }
            return 'retry';
          },
        }),
    };
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings({ smtpUrl: sink.url }), reminders: { pollIntervalMs: 600_000 } }),
      { transport: dying },
    );
    db = started.sdb.db;
    app = started.app;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    env.restoreBroker();
    await stop();
    await sink.close();
    await env.close();
  });

  it('when the message comes back, then it causes no second notification and no second email', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const registered = userRegistered(user);
    await env.publishRaw(registered.type, registered);
    await vi.waitFor(
      async () => expect(await db.selectFrom('users').select('user_id').where('user_id', '=', user.id).execute()).toHaveLength(1),
      wait,
    );

    const m = registrationMessage('registration.confirmed.v1', { userId: user.id });
    killAfterCommit.add(m.id);
    await env.publishRaw(m.type, m);
    // Handled once before the "crash" and at least once more on redelivery.
    await vi.waitFor(() => expect(handled.get(m.id) ?? 0).toBeGreaterThanOrEqual(2), wait);
    expect(killAfterCommit.has(m.id)).toBe(false);
    await vi.waitFor(async () => expect(await countsFor(db, sink, [user.id])).toEqual([once]), wait);

    const inbox = await request(app).get('/api/notifications').set('authorization', `Bearer ${user.token}`).expect(200);
    expect((inbox.body as { items: { kind: string }[] }).items.map((n) => n.kind)).toEqual(['registration_confirmed']);
    expect(sink.to(`${user.id}@example.test`)).toHaveLength(1);
  });
});
