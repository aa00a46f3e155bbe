import {
  EnvironmentProviders,
  Injectable,
  Provider,
  effect,
  inject,
  isDevMode,
  provideAppInitializer,
  untracked,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterStateSnapshot, TitleStrategy } from '@angular/router';
import { provideTransloco } from '@jsverse/transloco';

import { I18n, t } from './i18n';
import { DEFAULT_LANG, LANGUAGES } from './languages';
import { BundledTranslationLoader } from './translation-loader';

/**
 * Route titles are translation keys (`titles.events`); the page title is the translation with
 * the app's name, and follows a change of language.
 */
@Injectable({ providedIn: 'root' })
export class TranslatedTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);
  private readonly i18n = inject(I18n);
  private lastKey: string | undefined;

  constructor() {
    super();
    effect(() => {
      this.i18n.lang();
      untracked(() => this.show());
    });
  }

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.lastKey = this.buildTitle(snapshot);
    this.show();
  }

  private show(): void {
    if (this.lastKey !== undefined) {
      this.title.setTitle(`${t(this.lastKey)} · SecureEvent`);
    }
  }
}

export function provideI18n(): (Provider | EnvironmentProviders)[] {
  return [
    provideTransloco({
      config: {
        availableLangs: LANGUAGES.map((language) => language.code),
        defaultLang: DEFAULT_LANG,
        fallbackLang: DEFAULT_LANG,
        reRenderOnLangChange: true,
        missingHandler: { useFallbackTranslation: true, logMissingKey: isDevMode() },
        prodMode: !isDevMode(),
      },
      loader: BundledTranslationLoader,
    }),
    provideAppInitializer(() => inject(I18n).init()),
    { provide: TitleStrategy, useExisting: TranslatedTitleStrategy },
  ];
}
