/** The languages the web app is translated into, with their names in their own language. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
  { code: 'fr', name: 'Français' },
] as const;

export type Lang = (typeof LANGUAGES)[number]['code'];

export const DEFAULT_LANG: Lang = 'en';

/** Where the chosen language is remembered (a preference, not a credential). */
export const LANG_STORAGE_KEY = 'se_lang';

export function isLang(value: unknown): value is Lang {
  return LANGUAGES.some((language) => language.code === value);
}

/**
 * The language to show: the one the person chose before, else the first of the browser's
 * languages we have (`de-AT` counts as `de`), else English.
 */
export function pickLanguage(stored: string | null, browserLanguages: readonly string[]): Lang {
  if (isLang(stored)) {
    return stored;
  }
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLang(primary)) {
      return primary;
    }
  }
  return DEFAULT_LANG;
}
