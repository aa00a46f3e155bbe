import type { Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsOf, requestsFor, type FuzzRequest, type Hints, type OpenApiDocument, type Operation } from './openapi-arbitraries.js';
import { future, startTestPlatform, type TestPlatform } from './test-platform.js';

/**
 * The OpenAPI-driven fuzz suite: every operation of every service's generated document is
 * called with generated valid and hostile inputs, anonymously and as each role, and no answer
 * may be a 5xx; every 4xx must be an RFC 9457 problem with a code. `FUZZ_RUNS` (per operation)
 * and `FUZZ_SEED` reproduce or deepen a run; the seed is printed.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SERVICES = ['users', 'events', 'notifications', 'audit'] as const;
const PROBLEM_JSON = /^application\/problem\+json/;

interface Finding {
  operation: string;
  request: FuzzRequest;
  status: number;
  contentType: string | undefined;
  body: string;
}

describe('fuzz: every operation of every OpenAPI document', () => {
  let t: TestPlatform | undefined;
  let app: Express;
  const tokens: Record<string, string | undefined> = { anonymous: undefined };
  const hints: Hints = { byPrefix: {}, byField: {} };
  const operations: Operation[] = [];
  let requests = 0;
  const serverErrors: Finding[] = [];
  const badProblems: Finding[] = [];
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

  beforeAll(async () => {
    t = await startTestPlatform('fuzz');
    app = t.app;

    // One user per role, so that authorised code paths are reached, not only the 401s.
    tokens.admin = await t.signIn(t.admin.email, t.admin.password);
    tokens.organizer = (await t.userWithRoles('fuzz-organizer@example.com', ['attendee', 'organizer'])).token;
    const attendeeId = await t.signUp('fuzz-attendee@example.com', 'Fuzz Attendee');
    tokens.attendee = await t.signIn('fuzz-attendee@example.com');

    // Data for ids to point at: a published event with questions, a draft, a registration.
    const questions = [
      { id: 'q1', label: 'Anything we should know?', type: 'text' },
      { id: 'q2', label: 'Lunch', type: 'choice', options: ['meat', 'vegan'] },
    ];
    const event = { startsAt: future(5), endsAt: future(5.1), timeZone: 'Europe/Berlin', venue: 'Hall A', capacity: 50, questions };
    const published = await request(app)
      .post('/api/events')
      .set(as('organizer'))
      .send({ ...event, title: 'Fuzzed conference', tags: ['fuzz'] })
      .expect(201);
    await request(app).post(`/api/events/${published.body.id}/publish`).set(as('organizer')).expect(200);
    const second = await request(app)
      .post('/api/events')
      .set(as('organizer'))
      .send({ ...event, title: 'Fuzzed meetup', startsAt: future(6), endsAt: future(6.1) })
      .expect(201);
    await request(app).post(`/api/events/${second.body.id}/publish`).set(as('organizer')).expect(200);
    const draft = await request(app)
      .post('/api/events')
      .set(as('organizer'))
      .send({ ...event, title: 'Fuzzed draft' })
      .expect(201);
    const registration = await request(app)
      .post(`/api/events/${published.body.id}/registrations`)
      .set(as('attendee'))
      .send({ answers: { q1: 'none', q2: 'vegan' } })
      .expect(201);
    await request(app).post(`/api/events/${published.body.id}/registrations`).set(as('organizer')).send({}).expect(201);
    // Real cursors, so that requests with one get past the cursor check.
    const cursorFrom = async (url: string, who: string) => {
      const res = await request(app).get(url).set(as(who)).expect(200);
      return (res.body as { nextCursor?: string | null }).nextCursor ?? undefined;
    };
    const cursors = {
      listEvents: await cursorFrom('/api/events?limit=1', 'attendee'),
      listUsers: await cursorFrom('/api/users?limit=1', 'admin'),
      listAttendees: await cursorFrom(`/api/events/${published.body.id}/registrations?limit=1`, 'organizer'),
    };
    hints.byOperation = Object.fromEntries(Object.entries(cursors).map(([op, cursor]) => [op, { cursor: cursor ? [cursor] : [] }]));
    hints.byPrefix = { evt_: [published.body.id, second.body.id, draft.body.id], reg_: [registration.body.id] };
    hints.byField = {
      ticketToken: [registration.body.ticketToken],
      answers: [{ q1: 'x', q2: 'meat' }, { q2: 'vegan' }],
      userId: [attendeeId],
      roles: [['attendee']],
    };

    for (const service of SERVICES) {
      const doc = await request(app).get(`/api/${service}/openapi.json`).expect(200);
      operations.push(...operationsOf(service, doc.body as OpenApiDocument));
    }
    // Booting four services on PGlite and hashing five passwords takes a while on a busy machine.
  }, 180_000);

  afterAll(async () => {
    console.log(
      `fuzz: operations ${operations.length}, requests ${requests}, 5xx ${serverErrors.length} (seed ${SEED}, ${RUNS} runs each)`,
    );
    await t?.stop();
  });

  async function send(op: Operation, r: FuzzRequest) {
    let req = request(app)[r.method](r.url);
    const token = tokens[r.identity];
    if (token) req = req.set('authorization', `Bearer ${token}`);
    if (r.body !== undefined) req = req.set('content-type', 'application/json').send(r.body);
    const res = await req;
    requests += 1;
    const finding = (): Finding => ({
      operation: `${op.service} ${op.operationId}`,
      request: r,
      status: res.status,
      contentType: res.headers['content-type'],
      body: (res.text ?? '').slice(0, 300),
    });
    if (res.status >= 500) serverErrors.push(finding());
    // 414/431 come from the HTTP parser (or nginx) before any application code runs.
    else if (res.status >= 400 && res.status !== 414 && res.status !== 431) {
      const problem = res.body as { code?: unknown } | undefined;
      if (!PROBLEM_JSON.test(String(res.headers['content-type'])) || typeof problem?.code !== 'string') badProblems.push(finding());
    }
  }

  const cursorOf = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const timeKey = (id: string) => cursorOf({ createdAt: '2026-01-01T00:00:00.000Z', startsAt: '2030-01-01T00:00:00.000Z', id });
  const yearZeroKey = cursorOf({ createdAt: '0000-01-01T00:00:00.000Z', startsAt: '0000-01-01T00:00:00.000Z', id: 'x' });
  const poisons = { nul: 'x\u0000y', surrogate: 'x\ud800y' };

  // Issue 9, item 3: each of these was a 500 (on PostgreSQL, PGlite, or both).
  type Reproduction = [string, 'get' | 'post' | 'patch', (ids: Record<string, string>) => string, string, unknown?];
  const reproductions: Reproduction[] = [
    ['NUL in the event search', 'get', () => '/api/events?q=%00', 'anonymous'],
    ['NUL in the tag filter', 'get', () => '/api/events?tag=%00', 'anonymous'],
    ['a year-0 date filter', 'get', () => '/api/events?from=0000-01-01T00:00:00Z', 'anonymous'],
    ['an events cursor whose id holds NUL', 'get', () => `/api/events?cursor=${timeKey('evt_\u0000')}`, 'anonymous'],
    ['an events cursor in year 0', 'get', () => `/api/events?cursor=${yearZeroKey}`, 'anonymous'],
    [
      'NUL in a sign-up display name',
      'post',
      () => '/api/auth/register',
      'anonymous',
      { email: 'nul@example.com', password: 'a long user password', displayName: 'a\u0000b' },
    ],
    [
      'a lone surrogate in a sign-up display name',
      'post',
      () => '/api/auth/register',
      'anonymous',
      { email: 'sur@example.com', password: 'a long user password', displayName: '\ud800' },
    ],
    ['NUL in a new display name', 'patch', () => '/api/users/me', 'attendee', { displayName: poisons.nul }],
    ['a lone surrogate in a new display name', 'patch', () => '/api/users/me', 'attendee', { displayName: poisons.surrogate }],
    ['NUL in the user search', 'get', () => '/api/users?q=%00', 'admin'],
    ['a users cursor whose id holds NUL', 'get', () => `/api/users?cursor=${timeKey('usr_\u0000')}`, 'admin'],
    ['a users cursor in year 0', 'get', () => `/api/users?cursor=${yearZeroKey}`, 'admin'],
    ['NUL in the notifications cursor', 'get', () => '/api/notifications?cursor=%00', 'attendee'],
    ['a notifications cursor whose id holds NUL', 'get', () => `/api/notifications?cursor=${timeKey('ntf_\u0000')}`, 'attendee'],
    ['a deliveries cursor whose id holds NUL', 'get', () => `/api/notifications/deliveries?cursor=${timeKey('\u0000')}`, 'admin'],
    ['NUL in the attendee list cursor', 'get', (ids) => `/api/events/${ids.event}/registrations?cursor=%00`, 'organizer'],
    [
      'an attendee cursor whose id holds NUL',
      'get',
      (ids) => `/api/events/${ids.event}/registrations?cursor=${timeKey('reg_\u0000')}`,
      'organizer',
    ],
    ['an attendee cursor in year 0', 'get', (ids) => `/api/events/${ids.event}/registrations?cursor=${yearZeroKey}`, 'organizer'],
    ['an audit cursor that is not a sequence number', 'get', () => `/api/audit?cursor=${cursorOf({ seq: 'x\u0000' })}`, 'admin'],
    ...(['nul', 'surrogate'] as const).flatMap((kind): Reproduction[] => {
      const bad = poisons[kind];
      const event = { title: 'Poisoned', startsAt: future(9), endsAt: future(9.1), timeZone: 'UTC', venue: 'Room', capacity: 5 };
      const q = { id: 'q1', label: 'Diet', type: 'choice', options: ['none', 'vegan'] };
      return [
        [`${kind} in an event title`, 'post', () => '/api/events', 'organizer', { ...event, title: `Title ${bad}` }],
        [`${kind} in an event description`, 'post', () => '/api/events', 'organizer', { ...event, description: bad }],
        [`${kind} in an event venue`, 'post', () => '/api/events', 'organizer', { ...event, venue: bad }],
        [`${kind} in an event tag`, 'post', () => '/api/events', 'organizer', { ...event, tags: [bad] }],
        [`${kind} in a question label`, 'post', () => '/api/events', 'organizer', { ...event, questions: [{ ...q, label: bad }] }],
        [
          `${kind} in a question option`,
          'post',
          () => '/api/events',
          'organizer',
          { ...event, questions: [{ ...q, options: ['none', bad] }] },
        ],
        [`${kind} in an edited title`, 'patch', (ids) => `/api/events/${ids.event}`, 'organizer', { title: `Title ${bad}` }],
        [
          `${kind} in a registration answer`,
          'post',
          (ids) => `/api/events/${ids.event}/registrations`,
          'attendee',
          { answers: { q1: bad } },
        ],
      ];
    }),
  ];

  it.each(reproductions)('when a request carries %s, then it is a 400 VALIDATION_FAILED problem', async (_, method, url, who, body) => {
    let req = request(app)[method](url({ event: hints.byPrefix?.evt_?.[0] ?? '' }));
    if (who !== 'anonymous') req = req.set(as(who));
    if (body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(body));
    const res = await req;
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('when every operation gets valid and hostile inputs as every role, then nothing is a 5xx and every 4xx is problem+json', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const identities = Object.keys(tokens);
    for (const [i, op] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(requestsFor(op, identities, hints), async (r) => {
          await send(op, r);
        }),
        { numRuns: RUNS, seed: SEED + i },
      );
    }
    const show = (f: Finding) =>
      `${f.status} ${f.operation}: ${f.request.method.toUpperCase()} ${f.request.url} as ${f.request.identity} (${f.request.mutation})` +
      `${f.request.body !== undefined ? ` body ${f.request.body.slice(0, 200)}` : ''} → ${f.contentType} ${f.body}`;
    expect(serverErrors.map(show), `seed ${SEED}`).toEqual([]);
    expect(badProblems.map(show), `seed ${SEED}`).toEqual([]);
    expect(requests).toBe(operations.length * RUNS);
  }, 600_000);
});
