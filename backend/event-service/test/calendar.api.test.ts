import { createHash, randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import request from 'supertest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDb } from '@secureevent/shared';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, startEventService, type StartedEventService } from './fixtures.js';

const PUBLIC_URL = 'https://events.example.org';

/** Parses an iCalendar text with ical.js, registering its VTIMEZONEs so zoned times convert to instants. */
function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const vtz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  const vevents = calendar.getAllSubcomponents('vevent');
  const byUid = new Map(vevents.map((v) => [String(v.getFirstPropertyValue('uid')), v]));
  return { calendar, vevents, byUid };
}

describe('calendar API', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;

  beforeAll(async () => {
    service = await startEventService({ ticketSecret: 'calendar-api-test-ticket-secret-0123456789', publicUrl: PUBLIC_URL });
    ({ env, app, sdb } = service);
  });
  afterAll(() => service.stop());

  const anEvent = (overrides: Record<string, unknown> = {}, options: { publish?: boolean } = {}) =>
    eventFactory(service, {
      title: 'Winter workshop',
      description: 'Bring a laptop, a charger; and questions.',
      startsAt: '2030-01-15T15:00:00Z',
      endsAt: '2030-01-15T17:30:00Z',
      timeZone: 'America/New_York',
      venue: 'Room 2, Main Building',
      capacity: 5,
    })(overrides, options);

  const register = (eventId: string, who: { token: string }) =>
    request(app).post(`/api/events/${eventId}/registrations`).set(bearer(who)).send({}).expect(201);

  async function feedUrlFor(who: { token: string }): Promise<string> {
    const res = await request(app).post('/api/calendar/feed-token').set(bearer(who));
    expect(res.status).toBe(201);
    return res.body.url as string;
  }

  it('when anyone downloads a public event, then it is one VEVENT in the event’s own zone with TZID, VTIMEZONE and a stable UID', async () => {
    const { id } = await anEvent();
    const res = await request(app).get(`/api/events/${id}/calendar.ics`);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${id}.ics"`);
    const { calendar, vevents } = parseIcs(res.text);
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//SecureEvent//EN');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(vevents).toHaveLength(1);
    const vevent = vevents[0]!;
    const event = new ICAL.Event(vevent);
    expect(calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['America/New_York']);
    expect(vevent.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('America/New_York');
    expect(vevent.getFirstProperty('dtend')!.getParameter('tzid')).toBe('America/New_York');
    // 15:00Z in January is 10:00 EST; the parser maps it back to the same instant through the VTIMEZONE.
    expect([event.startDate.hour, event.startDate.minute, event.endDate.hour, event.endDate.minute]).toEqual([10, 0, 12, 30]);
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-01-15T15:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2030-01-15T17:30:00.000Z');
    expect(event.uid).toBe(`${id}@secureevent`);
    expect(event.summary).toBe('Winter workshop');
    expect(event.description).toContain('Bring a laptop, a charger; and questions.');
    expect(event.location).toBe('Room 2, Main Building');
    expect(vevent.getFirstPropertyValue('url')).toBe(`${PUBLIC_URL}/events/${id}`);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('dtstamp')).toBeTruthy();
  });

  it('when an event is edited and then cancelled, then SEQUENCE grows each time and the file says STATUS:CANCELLED', async () => {
    const { id, organizer } = await anEvent();
    const current = async () => parseIcs((await request(app).get(`/api/events/${id}/calendar.ics`).expect(200)).text).vevents[0]!;
    const sequence = async () => Number((await current()).getFirstPropertyValue('sequence'));
    // Arrange before each step: the event was last changed an hour ago, so the step lands in a later second.
    const lastChangedAnHourAgo = () =>
      sql`update ${sql.id(sdb.schema, 'events')} set updated_at = now() - interval '1 hour' where id = ${id}`.execute(sdb.db);

    await lastChangedAnHourAgo();
    const beforeEdit = await sequence();
    await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ title: 'Winter workshop (moved)' }).expect(200);
    const edited = await current();
    await lastChangedAnHourAgo();
    const beforeCancel = await sequence();
    await request(app).post(`/api/events/${id}/cancel`).set(bearer(organizer)).expect(200);
    const cancelled = await current();

    expect(Number(edited.getFirstPropertyValue('sequence'))).toBeGreaterThan(beforeEdit);
    expect(edited.getFirstPropertyValue('summary')).toBe('Winter workshop (moved)');
    expect(Number(cancelled.getFirstPropertyValue('sequence'))).toBeGreaterThan(beforeCancel);
    expect(cancelled.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.getFirstPropertyValue('uid')).toBe(`${id}@secureevent`);
  });

  it('when a stranger or an anonymous caller asks for an event they may not see, then 404; its managers get it', async () => {
    const privateEvent = await anEvent({ visibility: 'private' });
    const internalEvent = await anEvent({ visibility: 'internal' });
    const draft = await anEvent({}, { publish: false });
    const stranger = await env.tokenFor({ roles: ['attendee'] });

    expect((await request(app).get(`/api/events/${privateEvent.id}/calendar.ics`).set(bearer(stranger))).status).toBe(404);
    expect((await request(app).get(`/api/events/${privateEvent.id}/calendar.ics`)).status).toBe(404);
    expect((await request(app).get(`/api/events/${internalEvent.id}/calendar.ics`)).status).toBe(404);
    expect((await request(app).get(`/api/events/${draft.id}/calendar.ics`).set(bearer(stranger))).status).toBe(404);
    expect((await request(app).get('/api/events/evt_0000000000000000000000000/calendar.ics')).status).toBe(404);

    expect((await request(app).get(`/api/events/${internalEvent.id}/calendar.ics`).set(bearer(stranger))).status).toBe(200);
    expect((await request(app).get(`/api/events/${privateEvent.id}/calendar.ics`).set(bearer(privateEvent.organizer))).status).toBe(200);
    const draftIcs = await request(app).get(`/api/events/${draft.id}/calendar.ics`).set(bearer(draft.organizer));
    expect(parseIcs(draftIcs.text).vevents[0]!.getFirstPropertyValue('status')).toBe('TENTATIVE');
  });

  it('when an invitee downloads a private event, then the invitation code or their registration lets them, and a wrong code does not', async () => {
    const { id, organizer } = await anEvent({ visibility: 'private' });
    const inviteUrl = (await request(app).get(`/api/events/${id}`).set(bearer(organizer)).expect(200)).body.inviteUrl as string;
    const code = new URL(inviteUrl, PUBLIC_URL).searchParams.get('invite')!;
    const invitee = await env.tokenFor({ roles: ['attendee'] });
    const ics = (query: string, who?: { token: string }) => {
      const r = request(app).get(`/api/events/${id}/calendar.ics${query}`);
      return who ? r.set(bearer(who)) : r;
    };

    expect((await ics(`?invite=${code}`, invitee)).status).toBe(200);
    const wrong = `${code.slice(0, -1)}${code.endsWith('x') ? 'y' : 'x'}`;
    expect((await ics(`?invite=${wrong}`, invitee)).status).toBe(404);
    expect((await ics('', invitee)).status).toBe(404);
    // Anonymous callers never see private events, code or not.
    expect((await ics(`?invite=${code}`)).status).toBe(404);
    // Once registered (through the link), the invitee keeps access without it: file and page.
    await request(app).post(`/api/events/${id}/registrations?invite=${code}`).set(bearer(invitee)).send({}).expect(201);
    const file = await ics('', invitee);
    expect(file.status).toBe(200);
    expect(parseIcs(file.text).vevents).toHaveLength(1);
    expect((await request(app).get(`/api/events/${id}`).set(bearer(invitee))).status).toBe(200);
    // Cancelled: the registration no longer counts as an invitation.
    const mine = (await request(app).get('/api/registrations/mine').set(bearer(invitee)).expect(200)).body.items as {
      id: string;
      eventId: string;
    }[];
    const registration = mine.find((r) => r.eventId === id)!;
    await request(app).delete(`/api/registrations/${registration.id}`).set(bearer(invitee)).expect(200);
    expect((await ics('', invitee)).status).toBe(404);
    expect((await request(app).get(`/api/events/${id}`).set(bearer(invitee))).status).toBe(404);
    expect((await request(app).post(`/api/events/${id}/registrations`).set(bearer(invitee)).send({})).status).toBe(404);
    expect((await ics(`?invite=${code}`, invitee)).status).toBe(200);
  });

  it('when a user subscribes to their feed, then it lists exactly their live registrations and events cancelled under them', async () => {
    const me = await env.tokenFor({ roles: ['attendee'] });
    const someoneElse = await env.tokenFor({ roles: ['attendee'] });
    const confirmed = await anEvent({
      title: 'Confirmed talk',
      timeZone: 'Asia/Tokyo',
      startsAt: '2030-06-01T01:00:00Z',
      endsAt: '2030-06-01T02:00:00Z',
    });
    const full = await anEvent({ title: 'Full talk', capacity: 1 });
    await register(full.id, someoneElse);
    const cancelledByOrganizer = await anEvent({ title: 'Cancelled talk' });
    const leftByMe = await anEvent({ title: 'Talk I left' });
    const notMine = await anEvent({ title: 'Not my talk' });

    await register(confirmed.id, me);
    expect((await register(full.id, me)).body.status).toBe('waitlisted');
    await register(cancelledByOrganizer.id, me);
    const left = await register(leftByMe.id, me);
    await request(app).delete(`/api/registrations/${left.body.id}`).set(bearer(me)).expect(200);
    await register(notMine.id, someoneElse);
    await request(app).post(`/api/events/${cancelledByOrganizer.id}/cancel`).set(bearer(cancelledByOrganizer.organizer)).expect(200);

    const url = await feedUrlFor(me);
    expect(url).toMatch(/^\/api\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
    const res = await request(app).get(url);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    const { calendar, byUid } = parseIcs(res.text);
    expect([...byUid.keys()].sort()).toEqual([confirmed.id, full.id, cancelledByOrganizer.id].map((id) => `${id}@secureevent`).sort());
    expect(byUid.get(`${confirmed.id}@secureevent`)!.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(byUid.get(`${full.id}@secureevent`)!.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(byUid.get(`${cancelledByOrganizer.id}@secureevent`)!.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(
      calendar
        .getAllSubcomponents('vtimezone')
        .map((z) => z.getFirstPropertyValue('tzid'))
        .sort(),
    ).toEqual(['America/New_York', 'Asia/Tokyo']);
    const tokyo = new ICAL.Event(byUid.get(`${confirmed.id}@secureevent`));
    expect([tokyo.startDate.zone?.tzid, tokyo.startDate.hour]).toEqual(['Asia/Tokyo', 10]);
    expect(tokyo.startDate.toJSDate().toISOString()).toBe('2030-06-01T01:00:00.000Z');
  });

  it('when a feed token is rotated or revoked, then the old URL is 404 and only the newest one works', async () => {
    const me = await env.tokenFor({ roles: ['attendee'] });
    const first = await feedUrlFor(me);
    const second = await feedUrlFor(me);

    expect(second).not.toBe(first);
    expect((await request(app).get(first)).status).toBe(404);
    expect((await request(app).get(second)).status).toBe(200);

    await request(app).delete('/api/calendar/feed-token').set(bearer(me)).expect(204);
    expect((await request(app).get(second)).status).toBe(404);

    // Issuing and revoking feed URLs is audited, without the secret.
    const { rows } = await sql<{ action: string; envelope: string }>`
      select envelope->'data'->>'action' as action, envelope::text as envelope from ${sql.id(sdb.schema, 'outbox')}
      where type = 'audit.recorded.v1' and envelope->'data'->>'actorId' = ${me.id} order by seq`.execute(sdb.db);
    expect(rows.map((r) => r.action)).toEqual(['calendar.feed_issued', 'calendar.feed_issued', 'calendar.feed_revoked']);
    const secret = second
      .split('/')
      .pop()!
      .replace(/\.ics$/, '');
    expect(rows.some((r) => r.envelope.includes(secret))).toBe(false);
  });

  it('when a token is guessed, malformed or someone else’s, then it never shows the caller’s events', async () => {
    const me = await env.tokenFor({ roles: ['attendee'] });
    const other = await env.tokenFor({ roles: ['attendee'] });
    const mine = await anEvent({ title: 'Mine only' });
    const theirs = await anEvent({ title: 'Theirs only' });
    await register(mine.id, me);
    await register(theirs.id, other);
    await feedUrlFor(me);
    const otherUrl = await feedUrlFor(other);

    const guessed = `/api/calendar/feed/${randomBytes(32).toString('base64url')}.ics`;
    expect((await request(app).get(guessed)).status).toBe(404);
    expect((await request(app).get('/api/calendar/feed/not-a-token.ics')).status).toBe(404);
    expect((await request(app).get(`/api/calendar/feed/${'A'.repeat(500)}.ics`)).status).toBe(404);
    // A bearer token does not turn someone else's feed into the caller's.
    const theirFeed = await request(app).get(otherUrl).set(bearer(me));
    expect([...parseIcs(theirFeed.text).byUid.keys()]).toEqual([`${theirs.id}@secureevent`]);
  });

  it('when a feed token is issued, then only its SHA-256 is stored, the answer is not cached, and signing in is required', async () => {
    const me = await env.tokenFor({ roles: ['attendee'] });
    const res = await request(app).post('/api/calendar/feed-token').set(bearer(me));
    const token = /feed\/([^/]+)\.ics$/.exec(res.body.url as string)![1]!;

    expect(res.headers['cache-control']).toBe('no-store');
    const stored = await sql<{
      token_hash: string;
    }>`select token_hash from ${sql.id(sdb.schema, 'calendar_feeds')} where user_id = ${me.id}`.execute(sdb.db);
    expect(stored.rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
    expect((await request(app).post('/api/calendar/feed-token')).status).toBe(401);
    expect((await request(app).delete('/api/calendar/feed-token')).status).toBe(401);
  });

  it('when the OpenAPI document is read, then the calendar routes are listed', async () => {
    const res = await request(app).get('/api/events/openapi.json').expect(200);
    expect(Object.keys(res.body.paths as object)).toEqual(
      expect.arrayContaining(['/api/events/{id}/calendar.ics', '/api/calendar/feed-token', '/api/calendar/feed/{token}.ics']),
    );
  });
});
