import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertExternalAdapters, commonEnv, ConfigError, loadConfig } from './config.js';

const schema = z.object(commonEnv);

/** Runs loadConfig and returns the ConfigError it throws (fails the test when it does not throw one). */
function configErrorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

function expectOneLineNaming(error: ConfigError, variable: string) {
  expect(error.name).toBe('ConfigError');
  expect(error.message).not.toMatch(/[\r\n]/);
  expect(error.message).toMatch(new RegExp(`(^|[\\s;])${variable}: `));
}

describe('loadConfig with commonEnv', () => {
  it.each([
    ['a value that is not a URL', 'not a url'],
    ['a URL of another database', 'mysql://user@127.0.0.1:3306/app'],
    ['an http URL', 'http://127.0.0.1:5432/app'],
  ])('when DATABASE_URL is %s, then a one-line ConfigError names DATABASE_URL', (_label, value) => {
    const error = configErrorFor({ DATABASE_URL: value });

    expectOneLineNaming(error, 'DATABASE_URL');
    expect(error.message).toContain('PostgreSQL');
  });

  it('when a malformed DATABASE_URL carries a password, then the error message does not repeat it', () => {
    const password = `pw${randomBytes(8).toString('hex')}`;

    const error = configErrorFor({ DATABASE_URL: `mysql://app:${password}@127.0.0.1/app` });

    expectOneLineNaming(error, 'DATABASE_URL');
    expect(error.message).not.toContain(password);
  });

  it.each([
    ['not a number', 'eighty'],
    ['above 65535', '65536'],
    ['negative', '-1'],
    ['not a whole number', '8080.5'],
  ])('when PORT is %s, then a one-line ConfigError names PORT', (_label, value) => {
    const error = configErrorFor({ PORT: value });

    expectOneLineNaming(error, 'PORT');
  });

  it('when PORT is only whitespace, then it does not silently become port 0 (a random port)', () => {
    let port: number | undefined;
    let error: unknown;
    try {
      port = loadConfig(schema, { PORT: '   ' }).PORT;
    } catch (err) {
      error = err;
    }

    // Either refused with a ConfigError naming PORT, or treated as unset like the empty string.
    if (error) expectOneLineNaming(error as ConfigError, 'PORT');
    else expect(port).toBeUndefined();
  });

  it('when LOG_LEVEL is not a pino level, then a one-line ConfigError names LOG_LEVEL', () => {
    const error = configErrorFor({ LOG_LEVEL: 'verbose' });

    expectOneLineNaming(error, 'LOG_LEVEL');
  });

  it('when several variables are bad, then the one line names every one of them', () => {
    const error = configErrorFor({ PORT: 'x', LOG_LEVEL: 'loud', REDIS_URL: 'http://cache', AMQP_URL: 'redis://broker' });

    expect(error.message).not.toMatch(/[\r\n]/);
    for (const variable of ['PORT', 'LOG_LEVEL', 'REDIS_URL', 'AMQP_URL']) expect(error.message).toContain(`${variable}: `);
  });

  it('when SECUREEVENT_REQUIRE_EXTERNAL is not a recognised flag, then a one-line ConfigError names it', () => {
    const error = configErrorFor({ SECUREEVENT_REQUIRE_EXTERNAL: 'yes' });

    expectOneLineNaming(error, 'SECUREEVENT_REQUIRE_EXTERNAL');
  });

  it.each([
    ['true (any client could pick its address)', 'true'],
    ['a shell fragment', 'loopback; rm -rf /'],
  ])('when TRUST_PROXY is %s, then a one-line ConfigError names TRUST_PROXY', (_label, value) => {
    expectOneLineNaming(configErrorFor({ TRUST_PROXY: value }), 'TRUST_PROXY');
  });

  it('when TRUST_PROXY is unset or none, then no proxy is trusted (a direct client cannot choose its address)', () => {
    expect(loadConfig(schema, {}).TRUST_PROXY).toBe(false);
    expect(loadConfig(schema, { TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
    expect(loadConfig(schema, { TRUST_PROXY: 'none' }).TRUST_PROXY).toBe(false);
  });

  it('when DATABASE_TIMEOUT_MS is a number of milliseconds, then it parses; otherwise a one-line ConfigError names it', () => {
    expect(loadConfig(schema, {}).DATABASE_TIMEOUT_MS).toBeUndefined();
    expect(loadConfig(schema, { DATABASE_TIMEOUT_MS: '2500' }).DATABASE_TIMEOUT_MS).toBe(2500);
    expectOneLineNaming(configErrorFor({ DATABASE_TIMEOUT_MS: '1.5s' }), 'DATABASE_TIMEOUT_MS');
    expectOneLineNaming(configErrorFor({ DATABASE_TIMEOUT_MS: '5' }), 'DATABASE_TIMEOUT_MS');
  });

  it('when TRUST_PROXY names proxies or hops, then Express gets them: CIDR lists as given, hop counts as numbers', () => {
    expect(loadConfig(schema, { TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
    expect(loadConfig(schema, { TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig(schema, { TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig(schema, { AMQP_QUEUE_TYPE: 'quorum' }).AMQP_QUEUE_TYPE).toBe('quorum');
    expect(loadConfig(schema, {})).toMatchObject({ AMQP_EXCHANGE: 'secureevent', REDIS_KEY_PREFIX: 'secureevent' });
    expectOneLineNaming(configErrorFor({ AMQP_EXCHANGE: 'has spaces' }), 'AMQP_EXCHANGE');
    expectOneLineNaming(configErrorFor({ REDIS_KEY_PREFIX: 'a:b' }), 'REDIS_KEY_PREFIX');
    expectOneLineNaming(configErrorFor({ AMQP_QUEUE_TYPE: 'mirrored' }), 'AMQP_QUEUE_TYPE');
  });

  it('when valid values are given, then they parse and PORT becomes a number', () => {
    const env = {
      PORT: '8081',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/secureevent',
      AMQP_URL: 'amqps://broker.internal',
      REDIS_URL: 'rediss://cache.internal:6380',
      PUBLIC_URL: 'https://events.example.org',
      SECUREEVENT_REQUIRE_EXTERNAL: 'true',
    };

    const config = loadConfig(schema, env);

    expect(config.PORT).toBe(Number(env.PORT));
    expect(typeof config.PORT).toBe('number');
    expect(config).toMatchObject({
      HOST: env.HOST,
      LOG_LEVEL: env.LOG_LEVEL,
      DATABASE_URL: env.DATABASE_URL,
      AMQP_URL: env.AMQP_URL,
      REDIS_URL: env.REDIS_URL,
      PUBLIC_URL: env.PUBLIC_URL,
      SECUREEVENT_REQUIRE_EXTERNAL: true,
    });
  });

  it('when the environment is empty, then the documented defaults apply and the URLs stay unset', () => {
    const config = loadConfig(schema, {});

    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: './data',
      JWT_ISSUER: 'secureevent',
      JWT_AUDIENCE: 'secureevent-api',
      SECUREEVENT_REQUIRE_EXTERNAL: false,
    });
    expect(config.PORT).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.AMQP_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('when variables are set to the empty string, then they count as unset rather than invalid', () => {
    const config = loadConfig(schema, { PORT: '', LOG_LEVEL: '', DATABASE_URL: '', SECUREEVENT_REQUIRE_EXTERNAL: '' });

    expect(config.PORT).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SECUREEVENT_REQUIRE_EXTERNAL).toBe(false);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('when SECUREEVENT_REQUIRE_EXTERNAL is %s, then it parses to %s', (value, expected) => {
    const config = loadConfig(schema, { SECUREEVENT_REQUIRE_EXTERNAL: value });

    expect(config.SECUREEVENT_REQUIRE_EXTERNAL).toBe(expected);
  });
});

describe('assertExternalAdapters', () => {
  it('when external adapters are not required, then missing URLs are accepted', () => {
    const config = loadConfig(schema, {});

    expect(() => assertExternalAdapters(config)).not.toThrow();
  });

  it('when external adapters are required and every URL is set, then it accepts the config', () => {
    const config = loadConfig(schema, {
      SECUREEVENT_REQUIRE_EXTERNAL: '1',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });

    expect(() => assertExternalAdapters(config)).not.toThrow();
  });

  it('when external adapters are required and URLs are missing, then a one-line ConfigError names exactly the missing ones', () => {
    const config = loadConfig(schema, { SECUREEVENT_REQUIRE_EXTERNAL: 'true', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app' });

    let caught: unknown;
    try {
      assertExternalAdapters(config);
    } catch (err) {
      caught = err;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).toContain('AMQP_URL');
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain('DATABASE_URL');
  });
});
