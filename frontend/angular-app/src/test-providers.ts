import {
  EnvironmentProviders,
  Provider,
  inject,
  provideEnvironmentInitializer,
} from '@angular/core';
import { TranslocoService, provideTransloco } from '@jsverse/transloco';

import en from './app/i18n/en.json';
import { LANGUAGES } from './app/i18n/languages';

/**
 * Every unit test runs with the real English translations loaded and active (the specs read the
 * English text), synchronously, so pipes and `t()` answer from the first render.
 */
const providers: (Provider | EnvironmentProviders)[] = [
  provideTransloco({
    config: {
      availableLangs: LANGUAGES.map((language) => language.code),
      defaultLang: 'en',
      fallbackLang: 'en',
      reRenderOnLangChange: true,
      missingHandler: { logMissingKey: false },
      prodMode: true,
    },
  }),
  provideEnvironmentInitializer(() => {
    const transloco = inject(TranslocoService);
    transloco.setTranslation(en, 'en');
    transloco.setActiveLang('en');
  }),
];

export default providers;
