import request from 'supertest';
import { sql } from 'kysely';
import type { ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { eventService, type EventServiceOptions } from '../src/service.js';

/** Data factories and probes the event-service's component tests share. */

/** An instant `n` days from now, as the API takes it. */
export const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
export const bearer = (t: { token: string }) => ({ authorization: `Bearer ${t.token}` });

/** A running event-service over the test env's adapters (real servers when their URLs are set, embedded otherwise). */
export interface StartedEventService {
  env: TestEnv;
  app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  sdb: ServiceDb<EventsDb>;
  ticketSecret: string;
  stop(): Promise<void>;
}

/** Starts the service with its own env; `stop()` stops both. */
export async function startEventService(options: Partial<EventServiceOptions> = {}): Promise<StartedEventService> {
  const env = await createTestEnv();
  const ticketSecret = options.ticketSecret ?? 'event-service-test-ticket-secret-0123456789';
  const started = await startServiceForTest(env, eventService({ ...options, ticketSecret }));
  return {
    env,
    app: started.app,
    sdb: started.sdb,
    ticketSecret,
    async stop() {
      await started.booted.stop();
      await env.close();
    },
  };
}

/** Creates events through the API: a draft by a new organizer (or the one given), published unless told otherwise. */
export function eventFactory(service: Pick<StartedEventService, 'app' | 'env'>, defaults: Record<string, unknown> = {}) {
  return async function anEvent(
    overrides: Record<string, unknown> = {},
    options: { publish?: boolean; organizer?: { token: string; id: string } } = {},
  ): Promise<{ id: string; organizer: { token: string; id: string } }> {
    const organizer = options.organizer ?? (await service.env.tokenFor({ roles: ['organizer'] }));
    const created = await request(service.app)
      .post('/api/events')
      .set(bearer(organizer))
      .send({
        title: 'Workshop',
        startsAt: inDays(7),
        endsAt: inDays(7.1),
        timeZone: 'UTC',
        venue: 'Room 2',
        capacity: 10,
        ...defaults,
        ...overrides,
      })
      .expect(201);
    const id = created.body.id as string;
    if (options.publish !== false) await request(service.app).post(`/api/events/${id}/publish`).set(bearer(organizer)).expect(200);
    return { id, organizer };
  };
}

/** What the service wrote to its outbox about `subject`, in order. */
export function outboxProbe(sdb: ServiceDb<EventsDb>) {
  const rows = async (subject: string) =>
    (
      await sql<{ type: string; data: Record<string, unknown> }>`
        select type, envelope->'data' as data from ${sql.id(sdb.schema, 'outbox')}
         where envelope->>'subject' = ${subject} order by seq`.execute(sdb.db)
    ).rows;
  return {
    /** The message types about `subject`. */
    types: async (subject: string) => (await rows(subject)).map((r) => r.type),
    /** The payloads of messages of `type` about `subject`. */
    data: async (type: string, subject: string) => (await rows(subject)).filter((r) => r.type === type).map((r) => r.data),
    /** The audit records of `action` (every action when absent) about `targetId`. */
    audits: async (targetId: string, action?: string) =>
      (await rows(targetId)).filter((r) => r.type === 'audit.recorded.v1' && (!action || r.data.action === action)).map((r) => r.data),
  };
}
