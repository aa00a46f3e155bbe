import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';
import { TranslocoService, translate } from '@jsverse/transloco';
import { firstValueFrom } from 'rxjs';

/** Values put into a translation's `{{ placeholders }}`. */
export type TranslationParams = Record<string, unknown>;

import { LANG_STORAGE_KEY, Lang, pickLanguage } from './languages';

/**
 * The active language as a signal, so that computed values and templates that format text in
 * TypeScript (`t()`, dates, numbers) update when it changes, like the `transloco` pipe does.
 */
const activeLang = signal<Lang>('en');

/** The active language, read as a signal (dependency-tracked). */
export function currentLang(): Lang {
  return activeLang();
}

/**
 * Translates a key in the active language, for text made in TypeScript (messages, computed
 * labels). Templates use the `transloco` pipe instead.
 */
export function t(key: string, params?: TranslationParams): string {
  activeLang();
  return translate(key, params);
}

/**
 * A counted message by the language's plural rules (`Intl.PluralRules`): the key names an object
 * with the categories the language uses (`one`, `other`; French also `many`), `other` being the
 * fallback. `{{ count }}` is the number formatted for the locale.
 */
export function tPlural(key: string, count: number, params: TranslationParams = {}): string {
  const lang = activeLang();
  const category = new Intl.PluralRules(lang).select(count);
  const values = { ...params, count: new Intl.NumberFormat(lang).format(count) };
  const exact = `${key}.${category}`;
  const text = translate(exact, values);
  return text === exact ? translate(`${key}.other`, values) : text;
}

/**
 * Chooses, switches and remembers the language. The choice is kept in localStorage and in a
 * cookie (`se_lang`, readable by the server later, for emails and a per-locale build), and set
 * as `lang` on `<html>` so screen readers pronounce the page in the right language.
 */
@Injectable({ providedIn: 'root' })
export class I18n {
  private readonly transloco = inject(TranslocoService);
  private readonly document = inject(DOCUMENT);

  /** The active language (a signal). */
  readonly lang = activeLang.asReadonly();

  /** Picks the language from the stored choice or the browser and loads it before the app shows. */
  async init(): Promise<void> {
    const window = this.document.defaultView;
    const stored = readStored(window);
    const browser = window?.navigator.languages ?? [window?.navigator.language ?? 'en'];
    await this.activate(pickLanguage(stored, browser));
  }

  /** Switches the whole app to `lang` (after its translations loaded) and remembers the choice. */
  async use(lang: Lang): Promise<void> {
    await this.activate(lang);
    const window = this.document.defaultView;
    try {
      window?.localStorage.setItem(LANG_STORAGE_KEY, lang);
    } catch {
      // Storage may be unavailable (private mode): the choice then lasts for this visit.
    }
    this.document.cookie = `${LANG_STORAGE_KEY}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`;
  }

  private async activate(lang: Lang): Promise<void> {
    try {
      await firstValueFrom(this.transloco.load(lang));
    } catch {
      // The translations could not be loaded (offline): stay in the language already shown.
      if (this.transloco.getActiveLang() !== lang) {
        return;
      }
    }
    this.transloco.setActiveLang(lang);
    activeLang.set(lang);
    this.document.documentElement.lang = lang;
  }

  /** A date and time in the active language (`Intl.DateTimeFormat`). */
  dateTime(iso: string | Date, options: Intl.DateTimeFormatOptions): string {
    return new Intl.DateTimeFormat(this.lang(), options).format(new Date(iso));
  }

  /** A number in the active language (`Intl.NumberFormat`). */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(this.lang(), options).format(value);
  }
}

function readStored(window: Window | null): string | null {
  try {
    return window?.localStorage.getItem(LANG_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}
