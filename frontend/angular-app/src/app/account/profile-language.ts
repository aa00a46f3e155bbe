import { effect, untracked } from '@angular/core';
import type { Locale } from '@secureevent/contracts';

// Type-only imports, and the few values written out (typed against the originals): the shell
// runs this at start, and the initial bundle is at its budget.
import type { AuthStatus, AuthStore } from '../auth/auth.store';
import type { I18n } from '../i18n/i18n';
import type { Lang } from '../i18n/languages';

const UNKNOWN: AuthStatus = 'unknown';
const SIGNED_OUT: AuthStatus = 'signed-out';
const SIGNED_IN: AuthStatus = 'signed-in';
const LANGS: readonly Lang[] = ['en', 'de', 'fr'];

/**
 * The language to switch to as a session starts, or null to keep the one shown. A sign-in
 * (signed out → signed in) applies the profile's language; a session restored at start (a reload,
 * the return from company sign-in) applies it only when this browser has no choice of its own,
 * so a language picked in the toolbar is not undone by the next reload.
 */
export function languageAtSessionStart(
  from: AuthStatus,
  to: AuthStatus,
  profileLocale: Locale | null | undefined,
  browserHasChoice: boolean,
): Lang | null {
  const starts =
    to === SIGNED_IN && (from === SIGNED_OUT || (from === UNKNOWN && !browserHasChoice));
  return starts ? (LANGS.find((l) => l === profileLocale) ?? null) : null;
}

/**
 * Applies the profile's language (`PATCH /api/users/me` `locale`) when someone signs in, in
 * whatever way (password, second factor, passkey, company account): it watches the session's
 * status rather than each sign-in call. Run once, in the shell's constructor.
 */
export function applyProfileLanguageAtSignIn(auth: AuthStore, i18n: I18n): void {
  // Every app starts with the session unknown (a visitor without the session hint is known to be
  // signed out at once, which is no sign-in).
  let previous = UNKNOWN;
  effect(() => {
    const status = auth.status();
    const lang = languageAtSessionStart(previous, status, auth.user()?.locale, hasStoredChoice());
    previous = status;
    if (lang !== null && lang !== untracked(i18n.lang)) {
      untracked(() => void i18n.use(lang));
    }
  });
}

/** Whether this browser keeps a language of its own (`LANG_STORAGE_KEY`, set by `I18n.use`). */
function hasStoredChoice(): boolean {
  try {
    // Inside the try: merely reading `localStorage` throws where storage is blocked.
    const stored = globalThis.localStorage?.getItem('se_lang');
    return LANGS.some((l) => l === stored);
  } catch {
    return false;
  }
}
