/**
 * The token of a link the platform mailed (`/reset-password#token=…`). It travels in the URL
 * fragment, which browsers never send to a server, so it stays out of access logs and Referer
 * headers (ADR 0026).
 */
export function tokenFromFragment(fragment: string | null | undefined): string | null {
  if (!fragment) {
    return null;
  }
  const token = new URLSearchParams(fragment).get('token');
  return token && /^[\x21-\x7e]{20,120}$/.test(token) ? token : null;
}
