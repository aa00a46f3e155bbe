import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../http/create-app.js';
import { createLogger } from '../logging/logger.js';
import { answeredBy, registry } from './metrics.js';

/** The `service` labels of the request-duration series for `path`. */
async function servicesFor(path: string): Promise<string[]> {
  const metric = registry.getSingleMetric('http_request_duration_seconds');
  const values = (await metric!.get()).values as { labels: Record<string, string | number> }[];
  return [...new Set(values.filter((v) => v.labels.path === path).map((v) => String(v.labels.service)))];
}

describe('HTTP metrics in one app that mounts several services', () => {
  const routerOf = (service: string, path: string) => {
    const r = express.Router();
    r.use(answeredBy(service));
    r.get(path, (_req, res) => {
      res.json({ service });
    });
    return r;
  };
  const app = createHttpApp({
    service: 'metrics-platform',
    logger: createLogger('metrics-test', { level: 'silent' }),
    routers: [routerOf('alpha-service', '/api/alpha'), routerOf('beta-service', '/api/beta')],
    readiness: [],
  });

  it('when each service answers a request, then its series carry that service, not the app', async () => {
    await request(app).get('/api/alpha').expect(200);
    await request(app).get('/api/beta').expect(200);
    expect(await servicesFor('/api/alpha')).toEqual(['alpha-service']);
    expect(await servicesFor('/api/beta')).toEqual(['beta-service']);
  });

  it('when no route matches, then the answer is labelled with the app itself', async () => {
    await request(app).get('/api/nowhere').expect(404);
    expect(await servicesFor('unmatched')).toContain('metrics-platform');
    expect(await servicesFor('unmatched')).not.toContain('beta-service');
  });
});
