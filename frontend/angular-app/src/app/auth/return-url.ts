/**
 * The in-app path to go to after signing in. Only same-site paths are followed: a `returnUrl`
 * of `//evil.example` or `https://…` would make the sign-in page an open redirect.
 */
export function safeReturnUrl(returnUrl: string | undefined | null): string {
  if (
    !returnUrl ||
    !returnUrl.startsWith('/') ||
    returnUrl.startsWith('//') ||
    returnUrl.startsWith('/\\')
  ) {
    return '/dashboard';
  }
  return returnUrl;
}
