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
 * How long the broker stays cut. The issue asks for 30 s; CI (CI=true) waits that long, a
 * developer's run 5 s unless FAULT_BROKER_CUT_SECONDS says otherwise. The length changes nothing
 * in the mechanism (the outbox holds messages, the transport reconnects with capped back-off);
 * 30 s only proves it past the 10 s reconnect back-off cap.
 */
const CUT_MS = Number(process.env.FAULT_BROKER_CUT_SECONDS ?? (process.env.CI ? 30 : 5)) * 1000;
const wait = { timeout: CUT_MS + 60_000, interval: 100 };

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
  let booted: BootedService<unknown>;
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
    booted = await bootService(publisher.definition as never, env.adapters);
  });
  afterAll(async () => {
    env.restoreBroker();
    await booted.stop();
    await stop();
    await sink.close();
    await env.close();
  });

  it(
    'when RabbitMQ is unreachable for a while, then after it returns every notification and email arrives exactly once',
    async () => {
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
      const cutAt = Date.now();
      for (const [i, id] of during.entries()) {
        await publisher.register(id);
        // Spread the registrations over the outage.
        await new Promise((r) => setTimeout(r, Math.max(0, cutAt + ((i + 1) * CUT_MS) / (during.length + 1) - Date.now())));
      }
      // Nothing written during the outage has reached the broker: it waits in the outbox.
      expect(await publisher.unpublished()).toBe(during.length);
      expect((await countsFor(db, sink, during)).every((c) => c.notifications === 0)).toBe(true);
      await new Promise((r) => setTimeout(r, Math.max(0, cutAt + CUT_MS - Date.now())));
      env.restoreBroker();

      for (const id of after) await publisher.register(id);
      await vi.waitFor(async () => expect(await publisher.unpublished()).toBe(0), wait);
      await vi.waitFor(async () => expect(await countsFor(db, sink, ids)).toEqual(ids.map(() => once)), wait);
      expect(sink.received).toHaveLength(20);
    },
    CUT_MS + 120_000,
  );
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
              setTimeout(() => env.restoreBroker(), 500);
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
