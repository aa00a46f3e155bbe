import { safeReturnUrl } from './return-url';

describe('safeReturnUrl', () => {
  it('when the return URL is an in-app path, then it is followed', () => {
    expect(safeReturnUrl('/events/evt_1?invite=abc')).toBe('/events/evt_1?invite=abc');
  });

  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
  ])('when the return URL is %j, then the dashboard is used instead', (url) => {
    expect(safeReturnUrl(url)).toBe('/dashboard');
  });
});
