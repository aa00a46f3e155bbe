import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger, loggerFor, requestContext } from './logger.js';

/** A pino destination that keeps every line in memory. */
function captureStream() {
  const lines: string[] = [];
  return {
    lines,
    destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) },
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join('\n'),
  };
}

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

describe('createLogger', () => {
  it('when a line is written, then it is JSON labelled with the service, level and time', () => {
    const out = captureStream();
    const logger = createLogger('event-service', { destination: out.destination });

    logger.info({ eventId: 'evt_x' }, 'event created');

    expect(out.lines).toHaveLength(1);
    const [record] = out.records();
    expect(record).toMatchObject({ service: 'event-service', level: 'info', msg: 'event created', eventId: 'evt_x' });
    expect(Number.isNaN(Date.parse(String(record!.time)))).toBe(false);
  });

  it('when the level is warn, then info lines are dropped and warn lines kept', () => {
    const out = captureStream();
    const logger = createLogger('audit-service', { level: 'warn', destination: out.destination });

    logger.info('not written');
    logger.warn('written');

    expect(out.records().map((r) => r.msg)).toEqual(['written']);
  });

  it('when a line is written inside requestContext.run, then it carries requestId and traceId', () => {
    const out = captureStream();
    const logger = createLogger('user-service', { destination: out.destination });
    const requestId = randomUUID();
    const traceId = randomBytes(16).toString('hex');

    requestContext.run({ requestId, traceId }, () => logger.info('inside'));

    expect(out.records()[0]).toMatchObject({ requestId, traceId, service: 'user-service' });
  });

  it('when a line is written after an await inside requestContext.run, then the context is still there', async () => {
    const out = captureStream();
    const logger = createLogger('user-service', { destination: out.destination });
    const requestId = randomUUID();

    await requestContext.run({ requestId }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('after await');
    });

    expect(out.records()[0]?.requestId).toBe(requestId);
  });

  it('when a line is written outside any request, then it has no requestId', () => {
    const out = captureStream();
    const logger = createLogger('user-service', { destination: out.destination });

    logger.info('outside');

    expect(out.records()[0]).not.toHaveProperty('requestId');
  });

  it('when request headers carry authorization and cookie, then both are replaced by [REDACTED]', () => {
    const out = captureStream();
    const logger = createLogger('gateway', { destination: out.destination });
    const bearer = secret('bearer');
    const cookie = secret('sid');

    logger.info(
      {
        req: {
          method: 'GET',
          url: '/api/me',
          headers: { authorization: `Bearer ${bearer}`, cookie: `sid=${cookie}`, accept: 'application/json' },
        },
      },
      'request',
    );

    const record = out.records()[0] as { req: { headers: Record<string, string> } };
    expect(record.req.headers.authorization).toBe('[REDACTED]');
    expect(record.req.headers.cookie).toBe('[REDACTED]');
    expect(record.req.headers.accept).toBe('application/json');
    expect(out.text()).not.toContain(bearer);
    expect(out.text()).not.toContain(cookie);
  });

  it.each(['password', 'token', 'accessToken', 'refreshToken'])(
    'when a top-level %s field is logged, then its value is replaced by [REDACTED]',
    (field) => {
      const out = captureStream();
      const logger = createLogger('user-service', { destination: out.destination });
      const value = secret(field);

      logger.info({ [field]: value, email: 'ada@example.org' }, 'login');

      const record = out.records()[0]!;
      expect(record[field]).toBe('[REDACTED]');
      expect(record.email).toBe('ada@example.org');
      expect(out.text()).not.toContain(value);
    },
  );

  it.each(['password', 'token', 'accessToken', 'refreshToken'])(
    'when a %s field is logged one level down, then its value is replaced by [REDACTED]',
    (field) => {
      const out = captureStream();
      const logger = createLogger('user-service', { destination: out.destination });
      const value = secret(field);

      logger.info({ body: { [field]: value, email: 'ada@example.org' } }, 'login');

      const record = out.records()[0] as { body: Record<string, unknown> };
      expect(record.body[field]).toBe('[REDACTED]');
      expect(record.body.email).toBe('ada@example.org');
      expect(out.text()).not.toContain(value);
    },
  );

  it('when a child logger writes a secret field, then it is redacted too', () => {
    const out = captureStream();
    const logger = createLogger('user-service', { destination: out.destination });
    const value = secret('refresh');

    logger.child({ component: 'sessions' }).warn({ session: { refreshToken: value } }, 'rotated');

    expect(out.records()[0]).toMatchObject({ component: 'sessions', session: { refreshToken: '[REDACTED]' } });
    expect(out.text()).not.toContain(value);
  });
});

describe('loggerFor', () => {
  it('when a service logger is derived from the platform logger, then each line carries exactly one service label, the service’s', () => {
    const capture = captureStream();
    const platform = createLogger('platform', { destination: capture.destination });
    const service = loggerFor(platform, 'event-service');
    loggerFor(service, 'audit-service').info('from audit');
    service.info('from events');
    platform.info('from platform');

    for (const line of capture.lines) expect(line.match(/"service":/g)).toHaveLength(1);
    expect(capture.records().map((r) => r.service)).toEqual(['audit-service', 'event-service', 'platform']);
  });
});
