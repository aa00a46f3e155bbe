import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { NotificationsDb } from '../src/db/schema.js';
import { createNotificationService } from '../src/service.js';
import { testMailSettings } from './email.fixture.js';

describe('email deliveries listing (admin)', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let sdb: ServiceDb<NotificationsDb>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    // The worker never runs during the test: the rows stay as inserted.
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings({ pollIntervalMs: 600_000 }), reminders: { pollIntervalMs: 600_000 } }),
    );
    app = started.app;
    sdb = started.sdb;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when deliveries share creation instants, then paging by 4 returns each exactly once, newest first, over 4 pages', async () => {
    const instants = ['2026-02-01T08:00:00.000Z', '2026-02-01T08:00:01.000Z', '2026-02-01T08:00:02.000Z'];
    const rows = Array.from({ length: 14 }, (_, i) => ({
      id: newId('eml'),
      user_id: newId('usr'),
      kind: 'registration_confirmed',
      source_key: newId('msg'),
      payload: JSON.stringify({ title: 't', body: 'b', link: null }),
      // Failed rows are never claimed by the worker.
      status: 'failed' as const,
      created_at: new Date(instants[i % 3]!),
    }));
    await sdb.db.insertInto('email_deliveries').values(rows).execute();
    const admin = await env.tokenFor({ roles: ['admin'] });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(app)
        .get('/api/notifications/deliveries')
        .query({ status: 'failed', limit: 4, ...(cursor ? { cursor } : {}) })
        .set('authorization', `Bearer ${admin.token}`)
        .expect(200);
      seen.push(...(res.body.items as { id: string }[]).map((d) => d.id));
      cursor = res.body.nextCursor as string | null;
      pages += 1;
    } while (cursor && pages < 20);

    expect(pages).toBe(4);
    const expected = [...rows].sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(expected);
  });
});
