import { Injectable } from '@angular/core';
import { Translation, TranslocoLoader } from '@jsverse/transloco';
import { Observable, from } from 'rxjs';

import { Lang } from './languages';

/**
 * Each language's translations are a lazy chunk of the build (`import()` of the JSON file): served
 * from the app's own origin as script, so the strict CSP needs no change, cached with the build's
 * content hash, and only the language in use is downloaded.
 */
const TRANSLATIONS: Record<Lang, () => Promise<{ default: Translation }>> = {
  en: () => import('./en.json'),
  de: () => import('./de.json'),
  fr: () => import('./fr.json'),
};

@Injectable({ providedIn: 'root' })
export class BundledTranslationLoader implements TranslocoLoader {
  getTranslation(lang: string): Observable<Translation> {
    const load = TRANSLATIONS[lang as Lang] ?? TRANSLATIONS.en;
    return from(load().then((module) => module.default));
  }
}
