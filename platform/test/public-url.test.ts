import { describe, expect, it } from 'vitest';
import { loadPlatformConfig } from '../src/config.js';

// Links in emails and calendar entries point at the running app when PUBLIC_URL is not set.
describe('PUBLIC_URL default', () => {
  it('when nothing is set, then it is the default address the platform listens on', () => {
    expect(loadPlatformConfig({}).PUBLIC_URL).toBe('http://127.0.0.1:8080');
  });

  it('when HOST and PORT are set, then it follows them', () => {
    expect(loadPlatformConfig({ HOST: 'events.lan', PORT: '3000' }).PUBLIC_URL).toBe('http://events.lan:3000');
  });

  it('when the platform listens on every interface, then links use localhost (0.0.0.0 is no address to browse to)', () => {
    expect(loadPlatformConfig({ HOST: '0.0.0.0', PORT: '8081' }).PUBLIC_URL).toBe('http://localhost:8081');
    expect(loadPlatformConfig({ HOST: '::', PORT: '8081' }).PUBLIC_URL).toBe('http://localhost:8081');
  });

  it('when HOST is an IPv6 address, then it is bracketed', () => {
    expect(loadPlatformConfig({ HOST: '::1', PORT: '8081' }).PUBLIC_URL).toBe('http://[::1]:8081');
  });

  it('when PUBLIC_URL is set, then it wins', () => {
    expect(loadPlatformConfig({ HOST: '0.0.0.0', PORT: '8081', PUBLIC_URL: 'https://events.example.org' }).PUBLIC_URL).toBe(
      'https://events.example.org',
    );
  });

  it('when PORT is 0 (any free port), then there is no default and the services keep their own', () => {
    expect(loadPlatformConfig({ PORT: '0' }).PUBLIC_URL).toBeUndefined();
  });

  it('when PUBLIC_URL is not a URL, then loading the config fails and names it', () => {
    expect(() => loadPlatformConfig({ PUBLIC_URL: 'events' })).toThrow(/PUBLIC_URL/);
  });
});
