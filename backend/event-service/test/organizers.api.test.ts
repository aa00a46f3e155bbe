import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, type ServiceDb } from '@secureevent/shared';
import type { Role } from '@secureevent/contracts';
import type { TestEnv } from '@secureevent/shared/testing';
import type { EventsDb } from '../src/db/schema.js';
import { bearer, eventFactory, inDays as days, outboxProbe, startEventService, type StartedEventService } from './fixtures.js';

/** Who may manage an event, who may be made a co-organizer, and the rules an edit or a publish must keep. */
describe('event organizers and management rules', () => {
  let service: StartedEventService;
  let env: TestEnv;
  let app: StartedEventService['app'];
  let sdb: ServiceDb<EventsDb>;

  beforeAll(async () => {
    service = await startEventService({ ticketSecret: 'organizers-api-test-secret-0123456789' });
    ({ env, app, sdb } = service);
  });
  afterAll(() => service.stop());

  const anEvent = (organizer: { token: string; id: string }, overrides: Record<string, unknown>, publish: boolean) =>
    eventFactory(service, { title: 'Team offsite', endsAt: days(7.2), venue: 'Barn' })(overrides, { organizer, publish });
  const draft = async (organizer: { token: string; id: string }, overrides: Record<string, unknown> = {}) =>
    (await anEvent(organizer, overrides, false)).id;
  const published = async (organizer: { token: string; id: string }, overrides: Record<string, unknown> = {}) =>
    (await anEvent(organizer, overrides, true)).id;

  const rolesKnown = async (userId: string) =>
    (await sdb.db.selectFrom('people').select(['roles', 'roles_at']).where('user_id', '=', userId).executeTakeFirst()) ?? null;

  /** The user-service announces a new account; waits until the event-service has taken it in. */
  async function announceUser(user: { id: string }, roles: Role[], at = new Date()) {
    const name = `Person ${user.id.slice(-4)}`;
    const m = createEnvelope('/secureevent/user-service', {
      type: 'user.registered.v1',
      data: {
        userId: user.id,
        email: `${user.id}@example.test`,
        displayName: name,
        roles,
        registeredAt: at.toISOString(),
      },
    });
    await env.publishRaw(m.type, m);
    await vi.waitFor(
      async () =>
        expect(await sdb.db.selectFrom('people').select('display_name').where('user_id', '=', user.id).executeTakeFirst()).toEqual({
          display_name: name,
        }),
      { timeout: 10_000, interval: 50 },
    );
  }
  /** The user-service announces a roles change; waits until it was handled (a later marker message shows it). */
  async function announceRoles(user: { id: string }, roles: Role[], at: Date) {
    const m = createEnvelope('/secureevent/user-service', {
      type: 'user.roles_changed.v1',
      data: { userId: user.id, roles, previousRoles: [], changedBy: user.id, changedAt: at.toISOString() },
    });
    await env.publishRaw(m.type, m);
    const marker = await env.tokenFor({ roles: ['attendee'] });
    await announceUser(marker, ['attendee']);
  }

  const outboxData = (type: string, subject: string) => outboxProbe(sdb).data(type, subject);
  const audited = (action: string, targetId: string) => outboxProbe(sdb).audits(targetId, action);

  describe('an organizer whose role was removed', () => {
    it('when they sign in again without the organizer role, then PATCH, the CSV and every other management route are 403, and their dashboard is empty', async () => {
      const asOrganizer = await env.tokenFor({ roles: ['attendee', 'organizer'] });
      const id = await published(asOrganizer);
      const attendee = await env.tokenFor({ roles: ['attendee'] });
      const reg = (await request(app).post(`/api/events/${id}/registrations`).set(bearer(attendee)).send({}).expect(201)).body;
      const colleague = await env.tokenFor({ roles: ['organizer'] });
      await announceUser(colleague, ['organizer']);
      await request(app).patch(`/api/events/${id}`).set(bearer(asOrganizer)).send({ venue: 'Barn 2' }).expect(200);

      // An admin removed the organizer role; the next token (after signing in again) says so.
      const demoted = await env.tokenFor({ id: asOrganizer.id, roles: ['attendee'] });
      const patch = await request(app).patch(`/api/events/${id}`).set(bearer(demoted)).send({ venue: 'Elsewhere' });
      expect(patch.status).toBe(403);
      expect(patch.body.code).toBe('FORBIDDEN');
      expect((await request(app).get(`/api/events/${id}/registrations.csv`).set(bearer(demoted))).status).toBe(403);
      expect((await request(app).get(`/api/events/${id}/registrations`).set(bearer(demoted))).status).toBe(403);
      expect(
        (await request(app).post(`/api/events/${id}/checkins`).set(bearer(demoted)).send({ ticketToken: reg.ticketToken })).status,
      ).toBe(403);
      expect((await request(app).get(`/api/events/${id}/checkins/stats`).set(bearer(demoted))).status).toBe(403);
      expect((await request(app).post(`/api/events/${id}/organizers`).set(bearer(demoted)).send({ userId: colleague.id })).status).toBe(
        403,
      );
      expect((await request(app).delete(`/api/events/${id}/organizers/${demoted.id}`).set(bearer(demoted))).status).toBe(403);
      expect((await request(app).post(`/api/events/${id}/cancel`).set(bearer(demoted))).status).toBe(403);
      expect((await request(app).get('/api/events/mine').set(bearer(demoted)).expect(200)).body.items).toEqual([]);
      // Not even their drafts can be seen, let alone published.
      const theirDraft = await draft(asOrganizer);
      expect((await request(app).get(`/api/events/${theirDraft}`).set(bearer(demoted))).status).toBe(404);
      expect((await request(app).post(`/api/events/${theirDraft}/publish`).set(bearer(demoted))).status).toBe(404);

      // Nothing changed, the list still names them (so that an admin can hand the event over), and the denials are audited.
      const admin = await env.tokenFor({ roles: ['admin'] });
      const now = await request(app).get(`/api/events/${id}`).set(bearer(admin)).expect(200);
      expect(now.body).toMatchObject({ venue: 'Barn 2', status: 'published', organizerIds: [asOrganizer.id] });
      const denials = await audited('access.denied', id);
      expect(denials.length).toBeGreaterThanOrEqual(8);
      expect(denials.every((d) => d.actorId === asOrganizer.id && d.reason === 'listed organizer without an organizing role')).toBe(true);
      // The admin hands it over: adds a colleague, takes the former organizer off.
      await request(app).post(`/api/events/${id}/organizers`).set(bearer(admin)).send({ userId: colleague.id }).expect(200);
      const handedOver = await request(app).delete(`/api/events/${id}/organizers/${asOrganizer.id}`).set(bearer(admin)).expect(200);
      expect(handedOver.body.organizerIds).toEqual([colleague.id]);
      await request(app).patch(`/api/events/${id}`).set(bearer(colleague)).send({ venue: 'Barn 3' }).expect(200);
    });
  });

  describe('co-organizers', () => {
    it('when the user id is unknown or belongs to a plain attendee, then adding is refused with 400 and nothing changes', async () => {
      const organizer = await env.tokenFor({ roles: ['organizer'] });
      const id = await published(organizer);
      const ghost = await env.tokenFor({ roles: ['organizer'] });
      const attendee = await env.tokenFor({ roles: ['attendee'] });
      await announceUser(attendee, ['attendee']);
      for (const userId of [ghost.id, attendee.id]) {
        const res = await request(app).post(`/api/events/${id}/organizers`).set(bearer(organizer)).send({ userId });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors).toEqual([{ field: 'body.userId', message: 'must be a user with the organizer or admin role' }]);
      }
      expect((await request(app).get(`/api/events/${id}`).set(bearer(organizer))).body.organizerIds).toEqual([organizer.id]);
      expect(await outboxData('event.updated.v1', id)).toEqual([]);
      expect(await audited('event.co_organizer_added', id)).toEqual([]);
      // Known by now as an organizer (a roles change): adding them works.
      await announceRoles(attendee, ['attendee', 'organizer'], new Date());
      await request(app).post(`/api/events/${id}/organizers`).set(bearer(organizer)).send({ userId: attendee.id }).expect(200);
    });

    it('when an organizer is added and then removed, then each change is announced in event.updated.v1 and audited, and the removed one manages no more', async () => {
      const organizer = await env.tokenFor({ roles: ['organizer'] });
      const id = await published(organizer);
      const colleague = await env.tokenFor({ roles: ['organizer'] });
      await announceUser(colleague, ['organizer']);

      const added = await request(app)
        .post(`/api/events/${id}/organizers`)
        .set(bearer(organizer))
        .send({ userId: colleague.id })
        .expect(200);
      expect(added.body.organizerIds).toEqual([organizer.id, colleague.id]);
      // Adding again changes nothing and announces nothing more.
      await request(app).post(`/api/events/${id}/organizers`).set(bearer(organizer)).send({ userId: colleague.id }).expect(200);
      await request(app).patch(`/api/events/${id}`).set(bearer(colleague)).send({ venue: 'Loft' }).expect(200);

      const removed = await request(app).delete(`/api/events/${id}/organizers/${colleague.id}`).set(bearer(organizer)).expect(200);
      expect(removed.body.organizerIds).toEqual([organizer.id]);
      expect((await request(app).patch(`/api/events/${id}`).set(bearer(colleague)).send({ venue: 'Roof' })).status).toBe(403);

      const updates = (await outboxData('event.updated.v1', id)).map((d) => ({ changed: d.changed, organizerIds: d.organizerIds }));
      expect(updates).toEqual([
        { changed: ['organizerIds'], organizerIds: [organizer.id, colleague.id] },
        { changed: ['venue'], organizerIds: [organizer.id, colleague.id] },
        { changed: ['organizerIds'], organizerIds: [organizer.id] },
      ]);
      expect((await audited('event.co_organizer_added', id)).map((d) => [d.actorId, d.reason, d.changes])).toEqual([
        [organizer.id, colleague.id, [{ field: 'organizerIds', from: [organizer.id], to: [organizer.id, colleague.id] }]],
      ]);
      expect((await audited('event.co_organizer_removed', id)).map((d) => [d.actorId, d.reason, d.changes])).toEqual([
        [organizer.id, colleague.id, [{ field: 'organizerIds', from: [organizer.id, colleague.id], to: [organizer.id] }]],
      ]);
      expect((await audited('event.updated', id)).map((d) => [d.actorId, d.changes])).toEqual([
        [colleague.id, [{ field: 'venue', from: 'Barn', to: 'Loft' }]],
      ]);
      expect((await audited('event.published', id)).map((d) => d.changes)).toEqual([[{ field: 'status', from: 'draft', to: 'published' }]]);
    });

    it('when the user is not an organizer of the event, or is its last one, then removal is 404, or 409', async () => {
      const organizer = await env.tokenFor({ roles: ['organizer'] });
      const id = await published(organizer);
      const stranger = await env.tokenFor({ roles: ['organizer'] });
      const notThere = await request(app).delete(`/api/events/${id}/organizers/${stranger.id}`).set(bearer(organizer));
      expect(notThere.status).toBe(404);
      const last = await request(app).delete(`/api/events/${id}/organizers/${organizer.id}`).set(bearer(organizer));
      expect(last.status).toBe(409);
      expect(last.body.code).toBe('CONFLICT');
      expect((await request(app).get(`/api/events/${id}`).set(bearer(organizer))).body.organizerIds).toEqual([organizer.id]);
    });

    it('when another organizer’s event id is used, then adding and removing are 403 (published) or 404 (a draft), and nothing changes', async () => {
      const owner = await env.tokenFor({ roles: ['organizer'] });
      const intruder = await env.tokenFor({ roles: ['organizer'] });
      await announceUser(intruder, ['organizer']);
      const live = await published(owner);
      const hidden = await draft(owner);
      for (const [id, status] of [
        [live, 403],
        [hidden, 404],
      ] as const) {
        expect((await request(app).post(`/api/events/${id}/organizers`).set(bearer(intruder)).send({ userId: intruder.id })).status).toBe(
          status,
        );
        expect((await request(app).delete(`/api/events/${id}/organizers/${owner.id}`).set(bearer(intruder))).status).toBe(status);
        expect((await request(app).get(`/api/events/${id}`).set(bearer(owner))).body.organizerIds).toEqual([owner.id]);
      }
    });

    it('when roles messages arrive late, twice or out of order, then the newest roles win', async () => {
      const organizer = await env.tokenFor({ roles: ['organizer'] });
      const id = await published(organizer);
      const person = await env.tokenFor({ roles: ['organizer'] });
      const t0 = new Date(Date.now() - 60_000);
      // The roles change overtakes the account's own announcement: it still wins over the older roles in it.
      await announceRoles(person, ['organizer'], new Date(t0.getTime() + 1000));
      await announceUser(person, ['attendee'], t0);
      expect((await rolesKnown(person.id))?.roles).toEqual(['organizer']);
      expect(await sdb.db.selectFrom('people').select('display_name').where('user_id', '=', person.id).executeTakeFirst()).toEqual({
        display_name: `Person ${person.id.slice(-4)}`,
      });
      // A later demotion, delivered twice, then a late redelivery of the older promotion: still demoted.
      const demotedAt = new Date(t0.getTime() + 5000);
      await announceRoles(person, ['attendee'], demotedAt);
      await announceRoles(person, ['attendee'], demotedAt);
      await announceRoles(person, ['organizer'], new Date(t0.getTime() + 1000));
      expect((await rolesKnown(person.id))?.roles).toEqual(['attendee']);
      expect((await request(app).post(`/api/events/${id}/organizers`).set(bearer(organizer)).send({ userId: person.id })).status).toBe(400);
    });

    it('when a roles message is malformed, then it is dead-lettered and the consumer keeps working', async () => {
      const before = await env.deadLetterCount('event-service.people');
      const bad = createEnvelope('/secureevent/user-service', { type: 'user.roles_changed.v1', data: { userId: 'nope', roles: 'admin' } });
      await env.publishRaw(bad.type, bad);
      await vi.waitFor(async () => expect(await env.deadLetterCount('event-service.people')).toBe(before + 1), {
        timeout: 10_000,
        interval: 50,
      });
      const next = await env.tokenFor({ roles: ['organizer'] });
      await announceUser(next, ['organizer']);
      expect((await rolesKnown(next.id))?.roles).toEqual(['organizer']);
    });
  });

  describe('rules an edit or a publish keeps', () => {
    it('when a draft has already ended, then publishing it is 409 and it stays a draft', async () => {
      const organizer = await env.tokenFor({ roles: ['organizer'] });
      const id = await draft(organizer, { startsAt: days(-2), endsAt: days(-1.9) });
      const res = await request(app).post(`/api/events/${id}/publish`).set(bearer(organizer));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_STATE_TRANSITION');
      expect((await request(app).get(`/api/events/${id}`).set(bearer(organizer))).body.status).toBe('draft');
      expect(await outboxData('event.published.v1', id)).toEqual([]);
    });

    it('when a PATCH moves only one end of the registration window past the stored other end, then it is 400 and nothing changes', async () => {
      const organizer = await env.tokenFor({ roles: ['organizer'] });
      const opens = days(1);
      const closes = days(3);
      const id = await published(organizer, { registrationOpensAt: opens, registrationClosesAt: closes });
      for (const [change, field] of [
        [{ registrationClosesAt: days(0.5) }, 'body.registrationClosesAt'],
        [{ registrationOpensAt: days(4) }, 'body.registrationClosesAt'],
        [{ endsAt: days(6) }, 'body.endsAt'],
      ] as const) {
        const res = await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send(change);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      }
      const after = (await request(app).get(`/api/events/${id}`).set(bearer(organizer))).body;
      expect([after.registrationOpensAt, after.registrationClosesAt]).toEqual([opens, closes]);
      // Refused edits are not audited as changes; the one that is allowed records from what to what.
      expect(await audited('event.updated', id)).toEqual([]);
      const closesNow = days(2);
      await request(app).patch(`/api/events/${id}`).set(bearer(organizer)).send({ registrationClosesAt: closesNow }).expect(200);
      expect((await audited('event.updated', id)).map((d) => d.changes)).toEqual([
        [{ field: 'registrationClosesAt', from: closes, to: closesNow }],
      ]);
    });
  });
});
