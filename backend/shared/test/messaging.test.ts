import { randomUUID } from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createEnvelope,
  createOutbox,
  MessageContractError,
  defineConsumer,
  messagingMigration,
  migrate,
  startConsumers,
  startOutboxRelay,
  type MessagingTables,
  type OutboxRelay,
  type ServiceDb,
} from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';

interface TestDb extends MessagingTables {
  received: { message_id: string; marker: string; received_at: Generated<Date> };
}

const SERVICE = 'messaging-test';
const TYPE = 'test_item.created.v1';
const payload = z.object({ marker: z.string() });
/** The test's own message map: the kit is generic over it, the services use the contracts' `messageSchemas`. */
const testMessages = { [TYPE]: payload } as const;

/**
 * The four guarantees of the messaging kit, proven against whatever the environment selects:
 * RabbitMQ + PostgreSQL when their URLs are set, the in-process transport + PGlite otherwise.
 */
describe('transactional outbox, relay and idempotent consumers', () => {
  let env: TestEnv;
  let sdb: ServiceDb<TestDb>;
  let relay: OutboxRelay;
  const outbox = createOutbox('msgtest', `/secureevent/${SERVICE}`, testMessages);

  const received = async (marker: string) =>
    (await sdb.db.selectFrom('received').select('message_id').where('marker', '=', marker).execute()).length;

  beforeAll(async () => {
    env = await createTestEnv();
    sdb = env.database.forSchema<TestDb>('msgtest');
    await migrate(sdb as ServiceDb<unknown>, {
      '0000_messaging': messagingMigration,
      '0001_received': {
        async up(db: Kysely<unknown>) {
          await db.schema
            .createTable('received')
            .addColumn('message_id', 'text', (c) => c.notNull())
            .addColumn('marker', 'text', (c) => c.notNull())
            .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
            .execute();
        },
      },
    });
    const consumer = defineConsumer<TestDb, typeof testMessages>({
      name: 'recorder',
      messages: testMessages,
      handlers: {
        [TYPE]: async (trx, { envelope, data }) => {
          // Deliberately not idempotent itself: only the inbox may prevent a second row.
          await trx.insertInto('received').values({ message_id: envelope.id, marker: data.marker }).execute();
        },
      },
    });
    await startConsumers({ sdb, transport: env.transport, logger: env.logger, service: SERVICE, consumers: [consumer] });
    relay = await startOutboxRelay({
      sdb: sdb as ServiceDb<unknown>,
      transport: env.transport,
      logger: env.logger,
      service: SERVICE,
      pollIntervalMs: 200,
    });
  });

  afterAll(async () => {
    await relay.stop();
    await env.close();
  });

  it('when a committed transaction adds a message, then the consumer receives it once', async () => {
    const marker = randomUUID();
    await sdb.db.transaction().execute((trx) => outbox.add(trx, { type: TYPE, data: { marker } }));
    await vi.waitFor(async () => expect(await received(marker)).toBe(1), { timeout: 10_000, interval: 50 });
  });

  it('when the transaction rolls back, then its message is never published', async () => {
    const rolledBack = randomUUID();
    const committed = randomUUID();
    await expect(
      sdb.db.transaction().execute(async (trx) => {
        await outbox.add(trx, { type: TYPE, data: { marker: rolledBack } });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    // A later committed message passing through proves the pipeline ran after the rollback.
    await sdb.db.transaction().execute((trx) => outbox.add(trx, { type: TYPE, data: { marker: committed } }));
    await vi.waitFor(async () => expect(await received(committed)).toBe(1), { timeout: 10_000, interval: 50 });
    expect(await received(rolledBack)).toBe(0);
    const { rows } = await sql`select 1 from ${sql.id('msgtest', 'outbox')} where envelope->'data'->>'marker' = ${rolledBack}`.execute(
      sdb.db,
    );
    expect(rows).toHaveLength(0);
  });

  it('when a payload fails its contract, then add throws before commit and nothing is written', async () => {
    const before = await sql<{ n: string }>`select count(*)::text as n from ${sql.id('msgtest', 'outbox')}`.execute(sdb.db);
    await expect(
      sdb.db.transaction().execute(async (trx) => {
        // A producer bug the type system cannot see (data from an untyped source).
        const data = JSON.parse('{"marker": 42}') as { marker: string };
        await outbox.add(trx, { type: TYPE, data });
      }),
    ).rejects.toBeInstanceOf(MessageContractError);
    const after = await sql<{ n: string }>`select count(*)::text as n from ${sql.id('msgtest', 'outbox')}`.execute(sdb.db);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('when a message is added outside a transaction, then it does not compile', () => {
    const typeCheckedOnly = () => {
      // @ts-expect-error a bare Kysely handle is not a Transaction: a message must commit with its change.
      void outbox.add(sdb.db, { type: TYPE, data: { marker: 'never' } });
      // @ts-expect-error a type outside the map is refused.
      void sdb.db.transaction().execute((trx) => outbox.add(trx, { type: 'test_item.unknown.v1', data: { marker: 'x' } }));
      // @ts-expect-error a payload of the wrong shape is refused.
      void sdb.db.transaction().execute((trx) => outbox.add(trx, { type: TYPE, data: { wrong: 'shape' } }));
    };
    // Checked by tsc (`tsc -p backend/shared` includes the tests); never run.
    expect(typeof typeCheckedOnly).toBe('function');
  });

  it('when the broker is unreachable, then the write still commits and the message is delivered once the broker is back', async () => {
    const marker = randomUUID();
    env.cutBroker();
    try {
      await sdb.db.transaction().execute((trx) => outbox.add(trx, { type: TYPE, data: { marker } }));
      // The relay tried and failed: the row is still pending with the error recorded.
      await vi.waitFor(
        async () => {
          const row = await sql<{ published_at: Date | null; last_error: string | null }>`
            select published_at, last_error from ${sql.id('msgtest', 'outbox')} where envelope->'data'->>'marker' = ${marker}`.execute(
            sdb.db,
          );
          expect(row.rows[0]?.published_at).toBeNull();
          expect(row.rows[0]?.last_error).toBeTruthy();
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(await received(marker)).toBe(0);
    } finally {
      env.restoreBroker();
    }
    await vi.waitFor(async () => expect(await received(marker)).toBe(1), { timeout: 30_000, interval: 100 });
  });

  it('when the same message is delivered twice, then it has one effect', async () => {
    const marker = randomUUID();
    const envelope = createEnvelope('/secureevent/test', { type: TYPE, data: { marker } });
    await env.publishRaw(TYPE, envelope);
    await env.publishRaw(TYPE, envelope);
    const follower = randomUUID();
    await env.publishRaw(TYPE, createEnvelope('/secureevent/test', { type: TYPE, data: { marker: follower } }));
    await vi.waitFor(async () => expect(await received(follower)).toBe(1), { timeout: 10_000, interval: 50 });
    await vi.waitFor(async () => expect(await received(marker)).toBe(1), { timeout: 10_000, interval: 50 });
    const inbox = await sql`select 1 from ${sql.id('msgtest', 'inbox')} where message_id = ${envelope.id}`.execute(sdb.db);
    expect(inbox.rows).toHaveLength(1);
  });

  it('when a malformed message arrives, then it is dead-lettered and the consumer keeps processing', async () => {
    const queue = `${SERVICE}.recorder`;
    const before = await env.deadLetterCount(queue);
    await env.publishRaw(TYPE, Buffer.from('{ this is not json'));
    await env.publishRaw(TYPE, createEnvelope('/secureevent/test', { type: TYPE, data: { wrong: 'shape' } }));
    await vi.waitFor(async () => expect(await env.deadLetterCount(queue)).toBe(before + 2), { timeout: 10_000, interval: 100 });
    const marker = randomUUID();
    await sdb.db.transaction().execute((trx) => outbox.add(trx, { type: TYPE, data: { marker } }));
    await vi.waitFor(async () => expect(await received(marker)).toBe(1), { timeout: 10_000, interval: 50 });
  });
});
