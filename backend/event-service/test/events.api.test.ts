import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEnv } from '@secureevent/shared/testing';
import { startEventService, type StartedEventService } from './fixtures.js';

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const validEvent = (overrides: Record<string, unknown> = {}) => ({
  title: 'Security Summit',
  description: 'Talks about **secure** systems.',
  startsAt: future(10),
  endsAt: future(11),
  timeZone: 'Europe/Berlin',
  venue: 'Main hall',
  capacity: 100,
  tags: ['security'],
  ...overrides,
});

describe('events API', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app } = service);
  });
  afterAll(() => service.stop());

  it('when an organizer creates and publishes an event, then anonymous callers see it in the list', async () => {
    const { token } = await env.tokenFor({ roles: ['organizer'] });
    const created = await request(app)
      .post('/api/events')
      .set('authorization', `Bearer ${token}`)
      .send(validEvent({ title: 'Listed event' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', title: 'Listed event' });
    expect(created.body.id).toMatch(/^evt_[0-9a-z]{25}$/);

    const before = await request(app).get('/api/events');
    expect(before.body.items.map((e: { id: string }) => e.id)).not.toContain(created.body.id);

    const published = await request(app).post(`/api/events/${created.body.id}/publish`).set('authorization', `Bearer ${token}`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');

    const list = await request(app).get('/api/events');
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toContain(created.body.id);
  });

  it('when an admin lists every event, then drafts, private and cancelled ones are there too; anyone else is refused', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    const auth = { authorization: `Bearer ${organizer.token}` };
    const tag = `scope-${Date.now().toString(36)}`;
    const draft = await request(app)
      .post('/api/events')
      .set(auth)
      .send(validEvent({ title: 'A draft', tags: [tag] }))
      .expect(201);
    const hidden = await request(app)
      .post('/api/events')
      .set(auth)
      .send(validEvent({ title: 'Private', visibility: 'private', tags: [tag] }))
      .expect(201);
    await request(app).post(`/api/events/${hidden.body.id}/publish`).set(auth).expect(200);
    const gone = await request(app)
      .post('/api/events')
      .set(auth)
      .send(validEvent({ title: 'Called off', tags: [tag] }))
      .expect(201);
    await request(app).post(`/api/events/${gone.body.id}/publish`).set(auth).expect(200);
    await request(app).post(`/api/events/${gone.body.id}/cancel`).set(auth).expect(200);

    const admin = await env.tokenFor({ roles: ['admin'] });
    const all = await request(app)
      .get('/api/events')
      .query({ scope: 'all', tag, limit: 100 })
      .set('authorization', `Bearer ${admin.token}`)
      .expect(200);
    expect(Object.fromEntries(all.body.items.map((e: { id: string; status: string }) => [e.id, e.status]))).toEqual({
      [draft.body.id]: 'draft',
      [hidden.body.id]: 'published',
      [gone.body.id]: 'cancelled',
    });
    // The ordinary list shows none of them to the organizer's peers.
    expect((await request(app).get('/api/events').query({ tag }).set(auth).expect(200)).body.items).toEqual([]);
    await request(app).get('/api/events').query({ scope: 'all' }).set(auth).expect(403);
    await request(app).get('/api/events').query({ scope: 'all' }).expect(401);
  });

  it('when the list spans several pages, then following nextCursor returns every event exactly once', async () => {
    const { token } = await env.tokenFor({ roles: ['organizer'] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app)
        .post('/api/events')
        .set('authorization', `Bearer ${token}`)
        .send(validEvent({ title: `Paged ${i}`, startsAt: future(30 + i), endsAt: future(31 + i), tags: ['paging'] }));
      await request(app).post(`/api/events/${res.body.id}/publish`).set('authorization', `Bearer ${token}`).expect(200);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(app)
        .get('/api/events')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when the event body is invalid, then a problem+json 400 lists the bad fields and nothing is created', async () => {
    const { token } = await env.tokenFor({ roles: ['organizer'] });
    const res = await request(app)
      .post('/api/events')
      .set('authorization', `Bearer ${token}`)
      .send(validEvent({ title: 'x', capacity: 0, timeZone: 'Mars/Base', endsAt: future(1), startsAt: future(2) }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.title', 'body.capacity', 'body.timeZone']));
  });

  it('when the cursor is tampered with, then the answer is a 400, not a 500', async () => {
    const res = await request(app).get('/api/events').query({ cursor: 'bm90LWpzb24' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('when an event is published twice, then the second attempt is a 409', async () => {
    const { token } = await env.tokenFor({ roles: ['organizer'] });
    const created = await request(app).post('/api/events').set('authorization', `Bearer ${token}`).send(validEvent());
    await request(app).post(`/api/events/${created.body.id}/publish`).set('authorization', `Bearer ${token}`).expect(200);
    const again = await request(app).post(`/api/events/${created.body.id}/publish`).set('authorization', `Bearer ${token}`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('when the service is healthy, then /healthz and /readyz answer 200 and /metrics is Prometheus text', async () => {
    await request(app).get('/healthz').expect(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok', broker: 'ok', cache: 'ok' });
    const metrics = await request(app).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });

  it('when the broker is unreachable, then /readyz stays 200 and reports the broker as degraded (the outbox holds messages; ADR 0016)', async () => {
    env.cutBroker();
    try {
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.checks.broker).toBe('unavailable');
    } finally {
      env.restoreBroker();
    }
  });

  it('when an organizer completes their event, then it is refused until the event has ended, and a completed event takes no registrations', async () => {
    const organizer = await env.tokenFor({ roles: ['organizer'] });
    const auth = { authorization: `Bearer ${organizer.token}` };
    // Already started, ends in two seconds: publishable now, completable once it has ended.
    const endsAt = new Date(Date.now() + 2_000).toISOString();
    const created = await request(app)
      .post('/api/events')
      .set(auth)
      .send(validEvent({ title: 'Short session', startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt }));
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    const draft = await request(app).post(`/api/events/${id}/complete`).set(auth);
    expect(draft.status).toBe(409);
    expect(draft.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(app).post(`/api/events/${id}/publish`).set(auth).expect(200);
    const early = await request(app).post(`/api/events/${id}/complete`).set(auth);
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/not ended/);
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    const foreign = await request(app).post(`/api/events/${id}/complete`).set('authorization', `Bearer ${stranger.token}`);
    expect(foreign.status).toBe(403);

    // The end is the clock's: ask again until it has passed.
    await expect
      .poll(async () => (await request(app).post(`/api/events/${id}/complete`).set(auth)).status, { timeout: 10_000, interval: 250 })
      .toBe(200);
    const read = await request(app).get(`/api/events/${id}`).set(auth).expect(200);
    expect(read.body.status).toBe('completed');
    const again = await request(app).post(`/api/events/${id}/complete`).set(auth);
    expect(again.status).toBe(409);

    const attendee = await env.tokenFor({ roles: ['attendee'] });
    const late = await request(app)
      .post(`/api/events/${id}/registrations`)
      .set({ authorization: `Bearer ${attendee.token}`, 'idempotency-key': `complete-${id}` })
      .send({ answers: {} });
    expect(late.status).toBe(409);
  });

  it('when the OpenAPI document is requested, then it is OpenAPI 3.1 and lists the event routes', async () => {
    const res = await request(app).get('/api/events/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/events', '/api/events/{id}', '/api/events/{id}/publish']));
  });
});

describe('event search and filters', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app } = service);
    const { token } = await env.tokenFor({ roles: ['organizer'] });
    const make = async (key: string, body: Record<string, unknown>) => {
      const res = await request(app).post('/api/events').set('authorization', `Bearer ${token}`).send(validEvent(body)).expect(201);
      await request(app).post(`/api/events/${res.body.id}/publish`).set('authorization', `Bearer ${token}`).expect(200);
      ids[key] = res.body.id;
    };
    await make('kubernetes', {
      title: 'Kubernetes security workshop',
      description: 'Hardening clusters',
      tags: ['cloud'],
      startsAt: future(20),
      endsAt: future(20.1),
    });
    await make('gardening', {
      title: 'Gardening club',
      description: 'Tomatoes and **roses**',
      tags: ['hobby'],
      startsAt: future(40),
      endsAt: future(40.1),
      venue: null,
      onlineUrl: 'https://meet.example/garden',
    });
    await make('full', {
      title: 'Tiny retreat',
      description: 'One seat only',
      capacity: 1,
      tags: ['hobby'],
      startsAt: future(60),
      endsAt: future(60.1),
    });
    const attendee = await env.tokenFor({ roles: ['attendee'] });
    await request(app).post(`/api/events/${ids.full}/registrations`).set('authorization', `Bearer ${attendee.token}`).send({}).expect(201);
  });
  afterAll(() => service.stop());

  const found = async (query: Record<string, string>) => {
    const res = await request(app)
      .get('/api/events')
      .query({ limit: 100, ...query });
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((e) => e.id).filter((id) => Object.values(ids).includes(id));
  };

  it('when searching words from the title, description or tags, then the matching events are found', async () => {
    expect(await found({ q: 'kubernetes' })).toEqual([ids.kubernetes]);
    expect(await found({ q: 'tomatoes' })).toEqual([ids.gardening]);
    expect(await found({ q: 'cloud' })).toEqual([ids.kubernetes]);
    expect(await found({ q: 'nothing-matches-this' })).toEqual([]);
  });

  it('when filtering by tag, mode, seats and dates, then only the matching events are listed', async () => {
    expect(await found({ tag: 'hobby' })).toEqual([ids.gardening, ids.full]);
    expect(await found({ mode: 'online' })).toEqual([ids.gardening]);
    expect(await found({ mode: 'in_person', tag: 'hobby' })).toEqual([ids.full]);
    expect(await found({ hasSeats: 'true', tag: 'hobby' })).toEqual([ids.gardening]);
    expect(await found({ from: future(30), to: future(50) })).toEqual([ids.gardening]);
  });

  it('when a filter is malformed, then the answer is a 400 naming it', async () => {
    const res = await request(app).get('/api/events').query({ from: 'yesterday', mode: 'teleport' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.from', 'query.mode']);
  });

  it('when an event is read, then its Markdown description comes rendered and sanitised', async () => {
    const res = await request(app).get(`/api/events/${ids.gardening}`).expect(200);
    expect(res.body.descriptionHtml).toBe('<p>Tomatoes and <strong>roses</strong></p>\n');
  });
});
