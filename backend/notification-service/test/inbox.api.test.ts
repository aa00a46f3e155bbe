import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { NotificationsDb } from '../src/db/schema.js';
import { createNotificationService } from '../src/service.js';
import { testMailSettings } from './email.fixture.js';

describe('inbox paging', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let db: Awaited<ReturnType<typeof startServiceForTest<NotificationsDb>>>['sdb']['db'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(env, createNotificationService({ mail: testMailSettings() }));
    app = started.app;
    db = started.sdb.db;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  it('when many notifications fall in the same millisecond, then paging returns each exactly once, newest first', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    // Microseconds apart, as rows written by one busy consumer are: the cursor carries milliseconds.
    const times = ['12:00:00.123401', '12:00:00.123402', '12:00:00.123403', '12:00:00.123404', '12:00:00.123999', '12:00:00.122'];
    for (const t of times) {
      await db
        .insertInto('notifications')
        .values({
          id: newId('ntf'),
          user_id: user.id,
          kind: 'registration_confirmed',
          title: `at ${t}`,
          body: 'b',
          link: null,
          source_message_id: newId('msg'),
          created_at: sql<Date>`${`2026-05-01T${t}Z`}::timestamptz`,
        })
        .execute();
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      // A cursor that stops advancing would page forever: fail fast instead.
      expect(++pages).toBeLessThanOrEqual(10);
      const page: request.Response = await request(app)
        .get('/api/notifications')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('authorization', `Bearer ${user.token}`)
        .expect(200);
      seen.push(...(page.body.items as { id: string }[]).map((n) => n.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(times.length);
    expect(new Set(seen).size).toBe(times.length);
    const all = (
      await request(app).get('/api/notifications').query({ limit: 100 }).set('authorization', `Bearer ${user.token}`).expect(200)
    ).body.items as { id: string; title: string }[];
    expect(all.map((n) => n.id)).toEqual(seen);
    expect(all.at(-1)!.title).toBe('at 12:00:00.122');
  });
});
