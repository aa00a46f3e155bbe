/**
 * Where to send the browser after sign-in: a path on this site, never another origin. `//host`
 * and `/\host` are protocol-relative to browsers, and control characters can smuggle either,
 * so anything but a plain absolute path falls back to `/`.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 2000) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return '/';
  const base = 'https://secureevent.invalid';
  const resolved = new URL(value, base);
  return resolved.origin === base ? `${resolved.pathname}${resolved.search}${resolved.hash}` : '/';
}
