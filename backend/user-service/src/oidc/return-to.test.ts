import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

describe('safeReturnTo', () => {
  it.each(['/', '/events/evt_123?tab=tickets', '/me#sessions'])('when returnTo is the local path %s, then it is kept', (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([
    ['missing', undefined],
    ['protocol-relative', '//evil.example'],
    ['a backslash variant', '/\\evil.example'],
    ['an absolute URL', 'https://evil.example/'],
    ['a scheme', 'javascript:alert(1)'],
    ['relative', 'events'],
    ['with a tab inside', '/\t/evil.example'],
  ])('when returnTo is %s, then it falls back to /', (_label, value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
