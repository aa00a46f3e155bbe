import { describe, expect, it } from 'vitest';
import { platformStatusOf, serviceHealthOf } from './platform-health.js';

const report = (status: string, checks: Record<string, string>, degraded?: string[]) => ({
  status,
  checks,
  ...(degraded ? { degraded } : {}),
  version: '0.1.0',
  uptimeSeconds: 42,
});

describe('serviceHealthOf', () => {
  it('when /readyz says ready with 200, then up with each dependency up', () => {
    const h = serviceHealthOf('event-service', { answer: { httpStatus: 200, body: report('ready', { database: 'ok', cache: 'ok' }) } });
    expect(h).toEqual({
      name: 'event-service',
      status: 'up',
      reason: null,
      dependencies: [
        { name: 'database', status: 'up' },
        { name: 'cache', status: 'up' },
      ],
      degraded: [],
      version: '0.1.0',
      uptimeSeconds: 42,
    });
  });

  it('when /readyz says degraded, then degraded naming the lost dependency', () => {
    const h = serviceHealthOf('s', {
      answer: { httpStatus: 200, body: report('degraded', { database: 'ok', cache: 'unavailable' }, ['cache']) },
    });
    expect(h).toMatchObject({ status: 'degraded', reason: null, degraded: ['cache'] });
    expect(h.dependencies).toContainEqual({ name: 'cache', status: 'down' });
  });

  it('when /readyz answers 503 not ready, then down because not ready, its dependencies still shown', () => {
    const h = serviceHealthOf('s', { answer: { httpStatus: 503, body: report('not ready', { database: 'unavailable' }) } });
    expect(h).toMatchObject({ status: 'down', reason: 'not_ready', dependencies: [{ name: 'database', status: 'down' }] });
  });

  it.each([
    ['a body that is not a readiness report', { httpStatus: 200, body: '<html>' }],
    ['ready with a 503', { httpStatus: 503, body: report('ready', { database: 'ok' }) }],
    ['not ready with a 200', { httpStatus: 200, body: report('not ready', { database: 'unavailable' }) }],
    ['a proxy’s 502', { httpStatus: 502, body: null }],
  ])('when the answer is %s, then down as a bad answer', (_what, answer) => {
    expect(serviceHealthOf('s', { answer })).toMatchObject({ status: 'down', reason: 'bad_answer', dependencies: [], version: null });
  });

  it('when nothing answered, then down with why', () => {
    expect(serviceHealthOf('s', { failure: 'timeout' })).toMatchObject({ status: 'down', reason: 'timeout' });
    expect(serviceHealthOf('s', { failure: 'unreachable' })).toMatchObject({ status: 'down', reason: 'unreachable' });
  });
});

describe('platformStatusOf', () => {
  const up = serviceHealthOf('a', { answer: { httpStatus: 200, body: report('ready', { database: 'ok' }) } });
  const degraded = serviceHealthOf('b', { answer: { httpStatus: 200, body: report('degraded', { cache: 'unavailable' }, ['cache']) } });
  const down = serviceHealthOf('c', { failure: 'timeout' });
  it('when every service is up, then up; one degraded, degraded; one down, down', () => {
    expect(platformStatusOf([up, up])).toBe('up');
    expect(platformStatusOf([up, degraded])).toBe('degraded');
    expect(platformStatusOf([degraded, down, up])).toBe('down');
  });
});
