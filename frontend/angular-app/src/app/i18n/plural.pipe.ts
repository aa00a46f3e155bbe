import { Pipe, PipeTransform } from '@angular/core';

import { TranslationParams, tPlural } from './i18n';

/**
 * `'events.count' | tPlural: n` — a counted message by the active language's plural rules (see
 * `tPlural`). Impure, so that it runs again when the language (a signal) changes.
 */
@Pipe({ name: 'tPlural', pure: false })
export class PluralPipe implements PipeTransform {
  transform(key: string, count: number, params?: TranslationParams): string {
    return tPlural(key, count, params);
  }
}
