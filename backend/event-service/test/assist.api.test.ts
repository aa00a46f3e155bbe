import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventRequestSchema } from '@secureevent/contracts';
import { registry, type ServiceDb } from '@secureevent/shared';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { eventService } from '../src/service.js';
import { modelAnswer, startChatCompletionsServer } from './support/chat-completions-server.js';

const bearer = (t: { token: string }) => ({ authorization: `Bearer ${t.token}` });
const SENTENCE = 'Quarterly all-hands on March 15 at 10am Berlin time in the HQ auditorium, 2.5 hours, 200 seats, ask for dietary needs';
const REFERENCE = '2027-03-01T09:00:00Z';

describe('assistant API', () => {
  let env: TestEnv;
  let local: Awaited<ReturnType<typeof startServiceForTest<EventsDb>>>;
  let withModel: Awaited<ReturnType<typeof startServiceForTest<EventsDb>>>;
  let model: Awaited<ReturnType<typeof startChatCompletionsServer>>;
  let sdb: ServiceDb<EventsDb>;

  beforeAll(async () => {
    env = await createTestEnv();
    model = await startChatCompletionsServer();
    local = await startServiceForTest(
      env,
      eventService({ ticketSecret: 'assist-api-test-ticket-secret-0123456789', assist: { draftsPerHour: 3 } }),
    );
    withModel = await startServiceForTest(
      env,
      eventService({
        ticketSecret: 'assist-api-test-ticket-secret-0123456789',
        assist: {
          draftsPerHour: 100,
          provider: {
            baseUrl: model.baseUrl,
            apiKey: 'sk-never-in-logs-0123456789',
            model: 'company-model',
            timeoutMs: 800,
            maxTokens: 600,
          },
        },
      }),
    );
    sdb = local.sdb;
  });
  afterAll(async () => {
    await withModel?.booted.stop();
    await local?.booted.stop();
    await model?.close();
    await env?.close();
  });

  const audited = async (actorId: string) =>
    (
      await sql<{ data: Record<string, unknown> }>`
        select envelope->'data' as data from ${sql.id(sdb.schema, 'outbox')}
         where type = 'audit.recorded.v1' and envelope->'data'->>'actorId' = ${actorId} order by seq`.execute(sdb.db)
    ).rows.map((r) => r.data);

  it('when an organizer sends a sentence, then the local extractor drafts the event, the draft can be created as it is, and the draft is audited without its text', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    const res = await request(local.app)
      .post('/api/assist/event-draft')
      .set(bearer(organizer))
      .send({ text: SENTENCE, timeZone: 'Europe/Berlin', referenceTime: REFERENCE })
      .expect(200);
    expect(res.body.provider).toBe('local');
    expect(res.body.draft).toMatchObject({
      title: 'Quarterly all-hands',
      startsAt: '2027-03-15T09:00:00.000Z',
      endsAt: '2027-03-15T11:30:00.000Z',
      timeZone: 'Europe/Berlin',
      venue: 'HQ auditorium',
      capacity: 200,
      tags: ['all-hands'],
    });
    expect(res.body.warnings).toEqual([]);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(createEventRequestSchema.safeParse(res.body.draft).success).toBe(true);
    const created = await request(local.app).post('/api/events').set(bearer(organizer)).send(res.body.draft).expect(201);
    expect(created.body).toMatchObject({ title: 'Quarterly all-hands', status: 'draft', capacity: 200 });
    expect(created.body.questions.map((q: { id: string }) => q.id)).toEqual(['dietary']);

    const entries = (await audited(organizer.id)).filter((d) => d.action === 'event.draft_assisted');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: 'success', reason: `local extractor; ${SENTENCE.length} characters` });
    expect(JSON.stringify(entries)).not.toContain('auditorium');
  });

  it('when an attendee or nobody asks, then 403 and 401 problems, and nothing is audited as a draft', async () => {
    const attendee = await env.tokenFor({ roles: ['attendee'] });
    const forbidden = await request(local.app).post('/api/assist/event-draft').set(bearer(attendee)).send({ text: SENTENCE }).expect(403);
    expect(forbidden.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(local.app).post('/api/assist/event-draft').send({ text: SENTENCE }).expect(401);
    expect((await audited(attendee.id)).filter((d) => d.action === 'event.draft_assisted')).toEqual([]);
  });

  it.each([
    ['no text', {}, 'text'],
    ['blank text', { text: '   \n ' }, 'text'],
    ['more than 20,000 characters', { text: 'a'.repeat(20_001) }, 'text'],
    ['a NUL character', { text: 'Lunch\u0000 tomorrow' }, 'text'],
    ['an unknown time zone', { text: 'Lunch tomorrow', timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a reference time that is no instant', { text: 'Lunch tomorrow', referenceTime: 'yesterday' }, 'referenceTime'],
    ['an unknown field', { text: 'Lunch tomorrow', publish: true }, ''],
  ])('when the body has %s, then 400 names the field', async (_, body, field) => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    const res = await request(local.app).post('/api/assist/event-draft').set(bearer(organizer)).send(body).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(`body.${field}`);
  });

  it('when one user asks for more drafts than the hourly limit, then 429 with Retry-After, and another user is not affected', async () => {
    const busy = await env.tokenFor({ roles: ['organizer'] });
    for (let i = 0; i < 3; i++) {
      await request(local.app).post('/api/assist/event-draft').set(bearer(busy)).send({ text: 'Team lunch tomorrow at noon' }).expect(200);
    }
    const limited = await request(local.app)
      .post('/api/assist/event-draft')
      .set(bearer(busy))
      .send({ text: 'Team lunch tomorrow at noon' })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const other = await env.tokenFor({ roles: ['admin'] });
    await request(local.app).post('/api/assist/event-draft').set(bearer(other)).send({ text: 'Team lunch tomorrow at noon' }).expect(200);
  });

  it('when a model is configured, then its validated answer is the draft and the provider is named', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    model.answerNext({
      kind: 'answer',
      content: modelAnswer({
        title: 'All-hands Q1',
        startsAt: '2027-03-15T10:00:00+01:00',
        endsAt: '2027-03-15T12:30:00+01:00',
        timeZone: 'Europe/Berlin',
        capacity: 9_999_999,
      }),
    });
    const res = await request(withModel.app)
      .post('/api/assist/event-draft')
      .set(bearer(organizer))
      .send({ text: SENTENCE, timeZone: 'Europe/Berlin', referenceTime: REFERENCE })
      .expect(200);
    expect(res.body.provider).toBe('company-model');
    expect(res.body.draft).toEqual({
      title: 'All-hands Q1',
      startsAt: '2027-03-15T09:00:00.000Z',
      endsAt: '2027-03-15T11:30:00.000Z',
      timeZone: 'Europe/Berlin',
    });
    expect(res.body.warnings.map((w: { field: string }) => w.field)).toEqual(['capacity']);
    expect((await audited(organizer.id)).at(-1)).toMatchObject({
      action: 'event.draft_assisted',
      reason: `model company-model; ${SENTENCE.length} characters`,
    });
  });

  it.each([
    ['rate limits (429)', { kind: 'status', status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '30' } }],
    ['fails (500)', { kind: 'status', status: 500, body: { error: { message: 'boom' } } }],
    ['times out', { kind: 'hang', ms: 3_000 }],
    ['answers no JSON', { kind: 'answer', content: 'I cannot help with that.' }],
  ] as const)('when the model %s, then the local extractor answers with a warning: 200, never a 500', async (_, behaviour) => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    model.answerNext(behaviour);
    const res = await request(withModel.app)
      .post('/api/assist/event-draft')
      .set(bearer(organizer))
      .send({ text: SENTENCE, timeZone: 'Europe/Berlin', referenceTime: REFERENCE })
      .expect(200);
    expect(res.body.provider).toBe('local');
    expect(res.body.draft).toMatchObject({ title: 'Quarterly all-hands', capacity: 200 });
    expect(res.body.warnings[0]).toMatchObject({ field: '', message: expect.stringMatching(/drafted by the local extractor instead$/) });
    expect((await audited(organizer.id)).at(-1)).toMatchObject({ reason: expect.stringMatching(/^local extractor \(fallback\); /) });
  });

  it('drafts are counted by provider and outcome in the metrics', async () => {
    const text = await registry.getSingleMetricAsString('secureevent_assist_draft_seconds');
    expect(text).toMatch(/secureevent_assist_draft_seconds_count\{service="event-service",provider="local",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/secureevent_assist_draft_seconds_count\{service="event-service",provider="local",outcome="fallback"\} [1-9]/);
    expect(text).toMatch(/secureevent_assist_draft_seconds_count\{service="event-service",provider="model",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/secureevent_assist_draft_seconds_count\{service="event-service",provider="none",outcome="rate_limited"\} [1-9]/);
  });
});
