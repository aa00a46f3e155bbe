import { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createHttpApp, requireRole } from '@secureevent/shared';
import { createTestEnv, type TestEnv } from '@secureevent/shared/testing';

/** requireRole for plain Express routers (route tables use `access`, which shares the same check). */
describe('requireRole middleware', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createHttpApp>;

  beforeAll(async () => {
    env = await createTestEnv();
    const router = Router();
    router.get('/api/admin-only', authenticate(env.adapters.verifier), requireRole('admin'), (_req, res) => {
      res.json({ who: (res.locals.user as { id: string }).id });
    });
    app = createHttpApp({ service: 'require-role-test', logger: env.logger, routers: [router], readiness: [] });
  });
  afterAll(() => env.close());

  it('when an admin calls, then the handler runs with the caller', async () => {
    const { id, token } = await env.tokenFor({ roles: ['admin'] });
    const res = await request(app).get('/api/admin-only').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.who).toBe(id);
  });

  it('when an attendee calls, then 403 FORBIDDEN', async () => {
    const { token } = await env.tokenFor({ roles: ['attendee', 'organizer'] });
    const res = await request(app).get('/api/admin-only').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('when nobody is signed in or the header is malformed, then 401 UNAUTHENTICATED', async () => {
    expect((await request(app).get('/api/admin-only')).status).toBe(401);
    const res = await request(app).get('/api/admin-only').set('authorization', 'Bearer a b c');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});
