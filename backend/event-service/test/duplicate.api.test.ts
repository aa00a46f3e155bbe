import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

describe('duplicate an event API', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;
  let outbox: ReturnType<typeof outboxProbe>;

  beforeAll(async () => {
    service = await startEventService();
    ({ env, app, sdb } = service);
    outbox = outboxProbe(sdb);
  });
  afterAll(() => service.stop());

  // Registration is open now (it opened 20 days before the start) and the event is a month away.
  const start = Math.floor((Date.now() + 15 * DAY) / 1000) * 1000;
  const anEvent = (overrides: Record<string, unknown> = {}, options: { publish?: boolean } = {}) =>
    eventFactory(service)(
      {
        title: 'Quarterly review',
        startsAt: at(start),
        endsAt: at(start + DAY / 4),
        registrationOpensAt: at(start - 20 * DAY),
        registrationClosesAt: at(start - DAY),
        tags: ['finance'],
        questions: [{ id: 'diet', label: 'Diet', type: 'text' }],
        capacity: 30,
        ticketTypes: [
          { name: 'Early bird', capacity: 10, salesEnd: at(start - 10 * DAY) },
          { name: 'Regular', capacity: 20, salesStart: at(start - 10 * DAY) },
        ],
        ...overrides,
      },
      options,
    );

  it('when an organizer duplicates with a new start, then a draft copy has every time shifted, the same setup, new type ids, and no attendees', async () => {
    const { id, organizer } = await anEvent();
    const source = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body;
    for (let i = 0; i < 2; i++) {
      const person = await env.tokenFor({ roles: ['attendee'] });
      await request(app)
        .post(`/api/events/${id}/registrations`)
        .set(bearer(person))
        .send({ ticketTypeId: source.ticketTypes[0].id })
        .expect(201);
    }
    const week = 7 * DAY;
    const res = await request(app)
      .post(`/api/events/${id}/duplicate`)
      .set(bearer(organizer))
      .send({ startsAt: at(start + week) });
    expect(res.status).toBe(201);
    const copy = res.body;
    expect(copy.id).not.toBe(id);
    expect(copy).toMatchObject({
      title: 'Quarterly review',
      status: 'draft',
      startsAt: at(start + week),
      endsAt: at(start + week + DAY / 4),
      registrationOpensAt: at(start + week - 20 * DAY),
      registrationClosesAt: at(start + week - DAY),
      tags: ['finance'],
      questions: source.questions,
      capacity: source.capacity,
      organizerIds: [organizer.id],
      publishedAt: null,
      availability: expect.objectContaining({ confirmed: 0, waitlisted: 0 }),
    });
    expect(copy.ticketTypes.map((t: { name: string }) => t.name)).toEqual(['Early bird', 'Regular']);
    expect(copy.ticketTypes[0].salesEnd).toBe(at(start + week - 10 * DAY));
    expect(copy.ticketTypes[1].salesStart).toBe(at(start + week - 10 * DAY));
    for (const t of copy.ticketTypes) expect(source.ticketTypes.map((s: { id: string }) => s.id)).not.toContain(t.id);
    const attendees = await request(app).get(`/api/events/${copy.id}/registrations`).set(bearer(organizer)).expect(200);
    expect(attendees.body.items).toEqual([]);
    // The source keeps its two attendees; the copy is audited as created from it.
    expect((await request(app).get(`/api/events/${id}/registrations`).set(bearer(organizer)).expect(200)).body.items).toHaveLength(2);
    expect(await outbox.audits(copy.id, 'event.created')).toEqual([
      expect.objectContaining({ actorId: organizer.id, changes: [{ field: 'duplicatedFrom', from: null, to: id }] }),
    ]);
    // A draft announces nothing.
    expect(await outbox.types(copy.id)).toEqual(['audit.recorded.v1']);
  });

  it('when no start is given, then the copy keeps the times; another organizer and an attendee are refused and nothing is made', async () => {
    const { id, organizer } = await anEvent();
    const same = await request(app).post(`/api/events/${id}/duplicate`).set(bearer(organizer)).send({}).expect(201);
    expect(same.body.startsAt).toBe(at(start));

    const count = async () =>
      (
        await sdb.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const draft = await anEvent({}, { publish: false });
    const before = await count();
    for (const who of [await env.tokenFor({ roles: ['organizer'] }), await env.tokenFor({ roles: ['attendee'] })]) {
      const res = await request(app).post(`/api/events/${id}/duplicate`).set(bearer(who)).send({});
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const stranger = await env.tokenFor({ roles: ['organizer'] });
    expect((await request(app).post(`/api/events/${draft.id}/duplicate`).set(bearer(stranger)).send({})).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('when the body is bad or the shift leaves the calendar, then 400 problem+json and nothing is made', async () => {
    const { id, organizer } = await anEvent();
    const count = async () =>
      (
        await sdb.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    for (const body of [{ startsAt: 'tomorrow' }, { startsAt: at(start), title: 'x' }, { startsAt: '9999-12-31T20:00:00.000Z' }]) {
      const res = await request(app).post(`/api/events/${id}/duplicate`).set(bearer(organizer)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await count()).toBe(before);
  });
});
