import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, startServiceForTest, type TestEnv } from '@secureevent/shared/testing';
import { createNotificationService } from '../src/service.js';
import { testMailSettings } from './email.fixture.js';

const DEFAULTS = {
  registration_confirmed: 'both',
  registration_waitlisted: 'in_app',
  registration_promoted: 'both',
  registration_rejected: 'both',
  event_updated: 'both',
  event_cancelled: 'both',
  event_reminder: 'both',
  roles_changed: 'both',
};

describe('notification preferences', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof startServiceForTest>>['app'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnv();
    const started = await startServiceForTest(
      env,
      createNotificationService({ mail: testMailSettings(), reminders: { pollIntervalMs: 600_000 } }),
    );
    app = started.app;
    stop = () => started.booted.stop();
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  const get = (token: string) => request(app).get('/api/notifications/preferences').set('authorization', `Bearer ${token}`);
  const put = (token: string, body: unknown) =>
    request(app)
      .put('/api/notifications/preferences')
      .set('authorization', `Bearer ${token}`)
      .send(body as object);

  it('when a user never chose, then every kind has its default', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    expect((await get(user.token).expect(200)).body).toEqual(DEFAULTS);
  });

  it('when a user replaces preferences, then they are kept, kinds left out return to their default, and other users are unaffected', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const other = await env.tokenFor({ roles: ['attendee'] });
    await put(user.token, { event_reminder: 'email', roles_changed: 'in_app' }).expect(200);
    const res = await put(user.token, { event_reminder: 'in_app', registration_waitlisted: 'both' }).expect(200);
    const expected = { ...DEFAULTS, event_reminder: 'in_app', registration_waitlisted: 'both' };
    expect(res.body).toEqual(expected);
    expect((await get(user.token).expect(200)).body).toEqual(expected);
    expect((await get(other.token).expect(200)).body).toEqual(DEFAULTS);
  });

  it('when the body names an unknown kind or channel, then it is refused as a validation problem listing the field', async () => {
    const user = await env.tokenFor({ roles: ['attendee'] });
    const badChannel = await put(user.token, { event_reminder: 'sms' }).expect(400);
    expect(badChannel.headers['content-type']).toContain('application/problem+json');
    expect(badChannel.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(badChannel.body.errors)).toContain('event_reminder');
    const unknownKind = await put(user.token, { newsletter: 'email' }).expect(400);
    expect(unknownKind.body.code).toBe('VALIDATION_FAILED');
    await put(user.token, ['both']).expect(400);
    expect((await get(user.token).expect(200)).body).toEqual(DEFAULTS);
  });

  it('when the OpenAPI document is read, then it describes the preference and delivery routes', async () => {
    const doc = (await request(app).get('/api/notifications/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/api/notifications/preferences'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(Object.keys(doc.paths['/api/notifications/deliveries'] ?? {})).toEqual(['get']);
  });
});
