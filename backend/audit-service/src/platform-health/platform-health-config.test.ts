import { describe, expect, it } from 'vitest';
import { loadAuditServiceConfig } from '../config.js';

describe('PLATFORM_HEALTH_URLS', () => {
  it('when unset, then the four services on loopback at their default ports', () => {
    expect(loadAuditServiceConfig({}).PLATFORM_HEALTH_URLS).toEqual([
      { name: 'user-service', url: 'http://127.0.0.1:3001' },
      { name: 'event-service', url: 'http://127.0.0.1:3002' },
      { name: 'notification-service', url: 'http://127.0.0.1:3003' },
      { name: 'audit-service', url: 'http://127.0.0.1:3004' },
    ]);
  });

  it('when set to Kubernetes Service names, then each name with its URL', () => {
    const config = loadAuditServiceConfig({
      PLATFORM_HEALTH_URLS: 'user-service=http://user-service:3001, event-service=https://events.internal:8443',
    });
    expect(config.PLATFORM_HEALTH_URLS).toEqual([
      { name: 'user-service', url: 'http://user-service:3001' },
      { name: 'event-service', url: 'https://events.internal:8443' },
    ]);
  });

  it.each([
    ['a URL without a name', 'http://user-service:3001'],
    ['a name without a URL', 'user-service='],
    ['a scheme that is not HTTP', 'user-service=ftp://user-service:21'],
    ['a name with spaces', 'user service=http://user-service:3001'],
  ])('when it holds %s, then the service does not start, naming the variable', (_what, value) => {
    expect(() => loadAuditServiceConfig({ PLATFORM_HEALTH_URLS: value })).toThrow(/PLATFORM_HEALTH_URLS/);
  });
});
