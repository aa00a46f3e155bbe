import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MessageType } from '@secureevent/contracts';
import {
  createEnvelope,
  createRouteTable,
  messagingMigration,
  newId,
  type Envelope,
  type MessagingTables,
  type ServiceDefinition,
} from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';

const SERVICE = 'probe-service';
const SCHEMA = 'probe';

/** The smallest service: one signed-in route. Whatever protects it, the shared boot gave it. */
const probeService: ServiceDefinition<MessagingTables> = {
  name: SERVICE,
  schema: SCHEMA,
  create(deps) {
    const routes = createRouteTable(deps.verifier).add({
      method: 'get',
      path: '/api/probe',
      operationId: 'probe',
      summary: 'Who am I',
      tags: ['probe'],
      access: 'user',
      responses: { 200: { description: 'The caller', schema: z.object({ id: z.string() }) } },
      handler: async ({ user }) => ({ status: 200, body: { id: user.id } }),
    });
    return {
      name: SERVICE,
      schema: SCHEMA,
      migrations: { '0000_messaging': messagingMigration },
      routers: [routes.router],
      openapi: { path: '/api/probe/openapi.json', document: {} },
      consumers: [],
    };
  },
};

const disabled = (userId: string, at: Date): Envelope =>
  createEnvelope('/test/user-service', {
    type: MessageType.UserDisabled,
    subject: userId,
    data: { userId, disabledBy: newId('usr'), disabledAt: at.toISOString() },
  });
const enabled = (userId: string, at: Date): Envelope =>
  createEnvelope('/test/user-service', {
    type: MessageType.UserEnabled,
    subject: userId,
    data: { userId, enabledBy: newId('usr'), enabledAt: at.toISOString() },
  });

/**
 * Two replicas of one service share its schema and its queue: the broker hands each message to one
 * of them, and the other must still refuse the disabled account (it hears the NOTIFY).
 */
describe('disabled users: every replica refuses a disabled account', () => {
  let env: TestEnv;
  let replicas: Awaited<ReturnType<typeof startServiceForTest<MessagingTables>>>[];

  beforeAll(async () => {
    env = await createTestEnv();
    replicas = [await startServiceForTest(env, probeService), await startServiceForTest(env, probeService)];
  });
  afterAll(async () => {
    for (const r of replicas ?? []) await r.booted.stop();
    await env.close();
  });

  const statuses = (token: string) =>
    Promise.all(replicas.map((r) => request(r.app).get('/api/probe').set('authorization', `Bearer ${token}`))).then((all) =>
      all.map((res) => res.status),
    );
  const handled = async (messageId: string) => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(SCHEMA, 'inbox')} where consumer = 'disabled-users' and message_id = ${messageId}`.execute(
      replicas[0]!.sdb.db,
    );
    return rows[0]!.n;
  };

  it('when user.disabled.v1 arrives, then both replicas answer 401 to the still-valid token, and user.enabled.v1 lets it in again', async () => {
    const { id, token } = await env.tokenFor({ roles: ['attendee'] });
    expect(await statuses(token)).toEqual([200, 200]);

    await env.publishRaw(MessageType.UserDisabled, disabled(id, new Date()));

    await vi.waitFor(async () => expect(await statuses(token)).toEqual([401, 401]), { timeout: 15_000, interval: 50 });
    const refused = await request(replicas[1]!.app).get('/api/probe').set('authorization', `Bearer ${token}`);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'This account has been disabled.' });

    await env.publishRaw(MessageType.UserEnabled, enabled(id, new Date()));

    await vi.waitFor(async () => expect(await statuses(token)).toEqual([200, 200]), { timeout: 15_000, interval: 50 });
  });

  it('when the same user.disabled.v1 is delivered twice and an older user.enabled.v1 arrives late, then the account stays disabled', async () => {
    const { id, token } = await env.tokenFor({ roles: ['attendee'] });
    const at = new Date();
    const message = disabled(id, at);
    await env.publishRaw(MessageType.UserDisabled, message);
    await env.publishRaw(MessageType.UserDisabled, message);
    await vi.waitFor(async () => expect(await statuses(token)).toEqual([401, 401]), { timeout: 15_000, interval: 50 });

    const stale = enabled(id, new Date(at.getTime() - 60_000));
    await env.publishRaw(MessageType.UserEnabled, stale);
    await vi.waitFor(async () => expect(await handled(stale.id)).toBe(1), { timeout: 15_000, interval: 50 });

    expect(await handled(message.id)).toBe(1);
    expect(await statuses(token)).toEqual([401, 401]);
    const { rows } = await sql<{
      disabled: boolean;
    }>`select disabled from ${sql.id(SCHEMA, 'disabled_users')} where user_id = ${id}`.execute(replicas[0]!.sdb.db);
    expect(rows).toEqual([{ disabled: true }]);
  });

  it('when a malformed user.disabled.v1 arrives, then it is dead-lettered and the next good message is still handled', async () => {
    const { id, token } = await env.tokenFor({ roles: ['attendee'] });
    const bad = { ...disabled(id, new Date()), data: { userId: 'not-a-user-id' } };

    await env.publishRaw(MessageType.UserDisabled, bad);
    await vi.waitFor(async () => expect(await env.deadLetterCount(`${SERVICE}.disabled-users`)).toBeGreaterThanOrEqual(1), {
      timeout: 15_000,
      interval: 50,
    });
    expect(await statuses(token)).toEqual([200, 200]);

    await env.publishRaw(MessageType.UserDisabled, disabled(id, new Date()));
    await vi.waitFor(async () => expect(await statuses(token)).toEqual([401, 401]), { timeout: 15_000, interval: 50 });
  });
});
