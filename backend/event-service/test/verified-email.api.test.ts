import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, eventFactory, startEventService, type StartedEventService } from './fixtures.js';

describe('REQUIRE_VERIFIED_EMAIL', () => {
  let service: StartedEventService;
  let anEvent: ReturnType<typeof eventFactory>;

  beforeAll(async () => {
    service = await startEventService({ requireVerifiedEmail: true });
    anEvent = eventFactory(service);
  });
  afterAll(() => service.stop());

  it('when someone whose address is not confirmed registers, then 403 EMAIL_NOT_VERIFIED and no seat is taken; confirmed, then 201', async () => {
    const event = await anEvent({ capacity: 1 });
    const unverified = await service.env.tokenFor({ roles: ['attendee'], emailVerified: false });
    const older = await service.env.tokenFor({ roles: ['attendee'] });

    const refused = await request(service.app).post(`/api/events/${event.id}/registrations`).set(bearer(unverified)).send({});
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');
    // A token without the claim (issued before it existed) counts as unconfirmed.
    await request(service.app).post(`/api/events/${event.id}/registrations`).set(bearer(older)).send({}).expect(403);

    const verified = await service.env.tokenFor({ roles: ['attendee'], emailVerified: true });
    const ok = await request(service.app).post(`/api/events/${event.id}/registrations`).set(bearer(verified)).send({});
    expect(ok.status).toBe(201);
    // The one seat went to the confirmed person: the refusals took none.
    expect(ok.body.status).toBe('confirmed');
  });
});
