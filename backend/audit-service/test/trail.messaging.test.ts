import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, messagesConsumed, newId, registry, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { AuditDb } from '../src/db/schema.js';
import { auditService } from '../src/service.js';

describe('audit trail consumer', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<AuditDb>;
  let stop: () => Promise<void>;
  let admin: { token: string };

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, auditService());
    app = started.app;
    sdb = started.sdb;
    stop = () => started.booted.stop();
    admin = await env.tokenFor({ roles: ['admin'] });
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  /** How many deliveries the trail's consumer has settled with `outcome` in this process. */
  const settled = async (outcome: 'processed' | 'duplicate') =>
    (await messagesConsumed.get()).values.find(
      (v) => v.labels.service === 'audit-service' && v.labels.consumer === 'record-entry' && v.labels.outcome === outcome,
    )?.value ?? 0;

  const entries = async () =>
    (await request(app).get('/api/audit').query({ limit: 100 }).set('authorization', `Bearer ${admin.token}`).expect(200)).body.items;

  it('when messages arrive, including a duplicate, then each is recorded once and the chain verifies', async () => {
    const first = createEnvelope('/secureevent/user-service', { type: 'user.registered.v1', subject: newId('usr'), data: { n: 1 } });
    const second = createEnvelope('/secureevent/event-service', { type: 'event.published.v1', subject: newId('evt'), data: { n: 2 } });
    const duplicatesBefore = await settled('duplicate');
    await env.publishRaw(first.type, first);
    await env.publishRaw(first.type, first);
    await env.publishRaw(second.type, second);
    await vi.waitFor(
      async () => expect((await entries()).map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining([first.id, second.id])),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    // "Recorded once" means something only after the second delivery of `first` has been handled.
    await vi.waitFor(async () => expect(await settled('duplicate')).toBe(duplicatesBefore + 1), { timeout: 10_000, interval: 50 });
    expect((await entries()).filter((e: { id: string }) => e.id === first.id)).toHaveLength(1);
    const verify = await request(app).get('/api/audit/verify').set('authorization', `Bearer ${admin.token}`).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBrokenSeq: null });
  });

  it('when someone edits an entry in the database, then verification names it', async () => {
    const message = createEnvelope('/secureevent/user-service', { type: 'user.roles_changed.v1', data: { roles: ['attendee'] } });
    await env.publishRaw(message.type, message);
    await vi.waitFor(async () => expect((await entries()).some((e: { id: string }) => e.id === message.id)).toBe(true), {
      timeout: 10_000,
      interval: 100,
    });
    await sql`update ${sql.id(sdb.schema, 'entries')} set data = ${JSON.stringify({ roles: ['admin'] })}::jsonb where id = ${message.id}`.execute(
      sdb.db,
    );
    const seq = (await entries()).find((e: { id: string }) => e.id === message.id).seq;
    const verify = await request(app).get('/api/audit/verify').set('authorization', `Bearer ${admin.token}`).expect(200);
    expect(verify.body).toMatchObject({ valid: false, firstBrokenSeq: seq });
  });

  it('when a message is not even JSON, then it is dead-lettered and later messages are still recorded', async () => {
    const before = await env.deadLetterCount('audit-service.record-entry');
    await env.publishRaw('user.registered.v1', Buffer.from('not json at all'));
    await vi.waitFor(async () => expect(await env.deadLetterCount('audit-service.record-entry')).toBe(before + 1), {
      timeout: 10_000,
      interval: 100,
    });
    const later = createEnvelope('/secureevent/user-service', { type: 'user.registered.v1', data: {} });
    await env.publishRaw(later.type, later);
    await vi.waitFor(async () => expect((await entries()).some((e: { id: string }) => e.id === later.id)).toBe(true), {
      timeout: 10_000,
      interval: 100,
    });
  });

  it('when failed sign-ins and denied accesses are recorded, then secureevent_audit_entries_total counts them by action, outcome and reason', async () => {
    const count = async (labels: Record<string, string>) =>
      (await registry.getSingleMetric('secureevent_audit_entries_total')!.get()).values.find((v) =>
        Object.entries(labels).every(([k, want]) => v.labels[k] === want),
      )?.value ?? 0;
    const throttled = { action: 'auth.login', outcome: 'failure', reason: 'throttled' };
    const denied = { action: 'access.denied', outcome: 'failure', reason: 'other' };
    const [throttledBefore, deniedBefore] = [await count(throttled), await count(denied)];
    const audit = (data: object) =>
      createEnvelope('/secureevent/user-service', {
        type: 'audit.recorded.v1',
        data: { actorId: null, targetId: null, ip: null, userAgent: null, at: new Date().toISOString(), ...data },
      });
    for (const m of [
      audit({ action: 'auth.login', outcome: 'failure', reason: 'throttled' }),
      audit({ action: 'auth.login', outcome: 'failure', reason: 'throttled' }),
      // A free-text reason must not become a label value of its own.
      audit({ action: 'access.denied', outcome: 'failure', reason: 'Not the organizer of evt_123' }),
    ])
      await env.publishRaw(m.type, m);
    await vi.waitFor(async () => expect([await count(throttled), await count(denied)]).toEqual([throttledBefore + 2, deniedBefore + 1]), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
